# Run by the build (asd/CMakeLists.txt): fails when a source of one asd layer includes a
# header of a layer above it, or the node wiring header. The layers share one include
# root, so the compiler alone cannot refuse such an include; this script does.
#
# Inputs: LAYER (folder name), ALLOWED (comma-separated folders it may include), ROOT
# (asd/), STAMP (file touched on success).
string(REPLACE "," ";" ALLOWED "${ALLOWED}")
file(GLOB_RECURSE files "${ROOT}/${LAYER}/*.h" "${ROOT}/${LAYER}/*.cpp")
set(problems "")
foreach(f IN LISTS files)
  file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">].*" "\\1" inc "${line}")
    if(inc STREQUAL "node.h")
      string(APPEND problems "  ${f}: includes node.h (only main.cpp and tests may)\n")
    elseif(inc MATCHES "\\.\\./")
      string(APPEND problems "  ${f}: includes \"${inc}\" by a relative path (name the layer instead)\n")
    elseif(inc MATCHES "^([a-z_]+)/")
      set(folder "${CMAKE_MATCH_1}")
      if(IS_DIRECTORY "${ROOT}/${folder}" AND NOT folder STREQUAL LAYER)
        list(FIND ALLOWED "${folder}" found)
        if(found EQUAL -1)
          string(APPEND problems "  ${f}: includes \"${inc}\" but asd/${LAYER} may include only: ${ALLOWED}\n")
        endif()
      endif()
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "asd layering (docs/asd-layers.md) broken:\n${problems}")
endif()
file(TOUCH "${STAMP}")
