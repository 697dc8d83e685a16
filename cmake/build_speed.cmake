# A first build is most of the time a new user waits for the demo, so two choices make it
# cheaper without touching the optimisation of the code that is measured:
#
# - Debug information as line tables (-g1) in the default RelWithDebInfo build: perf,
#   sanitizer reports and backtraces still name functions, files and lines; only local
#   variables are missing (a Debug build has them). It cut a file's compile time by 40%.
# - The product's libraries as unity builds (several sources per compiler run): nlohmann/json,
#   fmt and Boost are parsed and their templates instantiated once per batch instead of once
#   per file. The hot paths (load/, trace/) and the tests stay one file per compiler run. A source's file-local names must
#   therefore be unique within its library (the build fails on a clash, naming both).
option(TRACEBENCH_UNITY "Compile the product's libraries as unity builds" ON)
add_compile_options($<$<CONFIG:RelWithDebInfo>:-g1>)

# tracebench_unity_build(ON|OFF): targets defined after it are (not) unity builds.
macro(tracebench_unity_build on)
  if(TRACEBENCH_UNITY)
    set(CMAKE_UNITY_BUILD ${on})
  endif()
endmacro()
