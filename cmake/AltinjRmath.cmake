# libRmath (r-mathlib) as the imported target altinj_rmath.
# Not pkg_check_modules: Debian 12's libRmath.pc names /usr/share/R/include, which only
# r-base-core creates, while r-mathlib installs Rmath.h in /usr/include; CMake refuses an
# imported target whose include path does not exist. So the header and library are found
# directly, and the .pc file is not consulted.
if(NOT TARGET altinj_rmath)
  find_path(ALTINJ_RMATH_INCLUDE_DIR Rmath.h REQUIRED)
  find_library(ALTINJ_RMATH_LIBRARY Rmath REQUIRED)
  add_library(altinj_rmath INTERFACE IMPORTED)
  target_include_directories(altinj_rmath INTERFACE ${ALTINJ_RMATH_INCLUDE_DIR})
  target_link_libraries(altinj_rmath INTERFACE ${ALTINJ_RMATH_LIBRARY} m)
endif()
