# TRACEBENCH_SANITIZE=address,undefined (or thread) builds every target with those
# sanitizers, for the checked build scripts/test.sh runs beside the optimised one. Set
# globally on purpose: a sanitizer must see the tests and the code they call alike.
set(TRACEBENCH_SANITIZE "" CACHE STRING "Sanitizers to build with, as for -fsanitize= (empty: none)")
if(TRACEBENCH_SANITIZE)
  add_compile_options(-fsanitize=${TRACEBENCH_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${TRACEBENCH_SANITIZE})
  # GCC 12 with ASan warns of "maybe uninitialized" members inside libstdc++'s <regex>: a
  # known false positive of the instrumented code (the optimised build has no such warning).
  add_compile_options($<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  if(TRACEBENCH_SANITIZE MATCHES "undefined")
    # A finding stops the test with a non-zero exit, so ctest reports it instead of a log line.
    add_compile_options(-fno-sanitize-recover=undefined)
    # GCC leaves a double cast to an integer it cannot hold out of "undefined" (clang puts it
    # in): a result file can carry such a double, and only the clang fuzz build saw it.
    add_compile_options($<$<CXX_COMPILER_ID:GNU>:-fsanitize=float-cast-overflow>
                        $<$<CXX_COMPILER_ID:GNU>:-fno-sanitize-recover=float-cast-overflow>)
    add_link_options($<$<CXX_COMPILER_ID:GNU>:-fsanitize=float-cast-overflow>)
  endif()
endif()
