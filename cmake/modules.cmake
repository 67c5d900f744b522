# The module dependency table (architecture.md, style.md). A module may link only the
# modules listed for it; our_module() refuses anything else at configure time, so a
# forbidden arrow breaks the build instead of creeping in.
set(ALLOWED_DEPS_conf     "")
set(ALLOWED_DEPS_common   "")
set(ALLOWED_DEPS_proto    "common")
set(ALLOWED_DEPS_topology "conf;common")
set(ALLOWED_DEPS_client   "proto;common")
# asd's layers, bottom to top (docs/asd-layers.md gives the reason for each boundary).
set(ALLOWED_DEPS_asd_base        "proto;common")
set(ALLOWED_DEPS_asd_storage     "asd_base;conf;proto;common")
set(ALLOWED_DEPS_asd_index       "asd_storage;asd_base;conf;proto;common")
set(ALLOWED_DEPS_asd_xdr_pipe    "asd_index;asd_storage;asd_base;conf;proto;common")
set(ALLOWED_DEPS_asd_cluster     "asd_xdr_pipe;asd_index;asd_storage;asd_base;conf;proto;common")
set(ALLOWED_DEPS_asd_transaction "asd_cluster;asd_xdr_pipe;asd_index;asd_storage;asd_base;conf;proto;common")
set(ALLOWED_DEPS_asd_service     "asd_transaction;asd_cluster;asd_xdr_pipe;asd_index;asd_storage;asd_base;conf;proto;common")
set(ALLOWED_DEPS_asd             "asd_service;asd_transaction;asd_cluster;asd_xdr_pipe;asd_index;asd_storage;asd_base;conf;proto;common")
set(ALLOWED_DEPS_logger   "proto;common")
set(ALLOWED_DEPS_shipper  "client;logger;topology;conf;common")
set(ALLOWED_DEPS_failover "client;logger;topology;conf;common")
set(ALLOWED_DEPS_xdr      "logger;shipper;failover;topology;client;conf;common")
set(ALLOWED_DEPS_tools    "client;conf;common")
set(ALLOWED_DEPS_support  "client;proto;conf;common")
set(ALLOWED_DEPS_bench    "client;proto;conf;common")

# our_module(<name> SOURCES <cpp...> [DEPS <modules...>] [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
# Creates STATIC library <name> with public headers in <folder>/include.
function(our_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  if(NOT DEFINED ALLOWED_DEPS_${name})
    message(FATAL_ERROR "module '${name}' is not in cmake/modules.cmake")
  endif()
  foreach(dep IN LISTS M_DEPS)
    list(FIND ALLOWED_DEPS_${name} ${dep} found)
    if(found EQUAL -1)
      message(FATAL_ERROR "module '${name}' may not depend on '${dep}' (allowed: ${ALLOWED_DEPS_${name}})")
    endif()
  endforeach()
  add_library(${name} STATIC ${M_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                     PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${M_DEPS} ${M_PUBLIC_LIBS} PRIVATE ${M_PRIVATE_LIBS})
  target_compile_options(${name} PRIVATE ${OUR_WARNINGS})
endfunction()

# our_unit_test(<exe> SOURCES <cpp...> DEPS <modules...>): one Catch2 runner per module,
# linked only against that module (a link test of its declared dependencies).
function(our_unit_test exe)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  add_executable(${exe} ${T_SOURCES})
  target_link_libraries(${exe} PRIVATE ${T_DEPS} ${T_LIBS} catch2_main)
  target_compile_options(${exe} PRIVATE ${OUR_WARNINGS})
  add_test(NAME ${exe} COMMAND ${exe})
  set_tests_properties(${exe} PROPERTIES LABELS unit TIMEOUT 120)
endfunction()

# our_program(<exe> SOURCES <cpp...> LIBS ...): a daemon or tool, output in build/bin.
function(our_program exe)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${exe} ${P_SOURCES})
  target_link_libraries(${exe} PRIVATE ${P_LIBS})
  target_compile_options(${exe} PRIVATE ${OUR_WARNINGS})
  set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()
