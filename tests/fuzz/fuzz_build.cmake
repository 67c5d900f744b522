# The fuzz build (root CMakeLists.txt with FUZZING=ON; scripts/fuzz configures it in
# build-fuzz/): only the modules whose parsers the targets feed, every file compiled
# with the sanitizers so a bad read is a crash the fuzzer can see.
#
# FUZZ_ENGINE=libfuzzer (clang): -fsanitize=fuzzer, the targets are libFuzzer binaries.
# FUZZ_ENGINE=replay (any compiler, gcc included): the same targets linked with
# replay_main.cpp, which runs each file or directory given once (regressions, corpus).
set(FUZZ_ENGINE "libfuzzer" CACHE STRING "libfuzzer (clang) or replay (any compiler)")
set_property(CACHE FUZZ_ENGINE PROPERTY STRINGS libfuzzer replay)

set(sanitizers -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
if(FUZZ_ENGINE STREQUAL "libfuzzer")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FUZZ_ENGINE=libfuzzer needs clang (CXX=clang++), or use FUZZ_ENGINE=replay")
  endif()
  # Coverage feedback in the libraries too, not only in the targets.
  add_compile_options(${sanitizers} -fsanitize=fuzzer-no-link)
  set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -gline-tables-only")
elseif(FUZZ_ENGINE STREQUAL "replay")
  add_compile_options(${sanitizers})
  set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -g1")
else()
  message(FATAL_ERROR "FUZZ_ENGINE must be libfuzzer or replay, not '${FUZZ_ENGINE}'")
endif()
add_link_options(-fsanitize=address,undefined)

find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(spdlog REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)

include(cmake/modules.cmake)
enable_testing()

add_subdirectory(conf)
add_subdirectory(common)
add_subdirectory(proto)
add_subdirectory(asd)  # asd/base only (asd/CMakeLists.txt stops there under FUZZING)
add_subdirectory(logger)
add_subdirectory(tests/fuzz)
