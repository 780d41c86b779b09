# Writes the linker version script of libweyl.so: the functions declared in
# the public headers are exported under the version node NODE, everything else
# (the internal weyl_* helpers of src/*_impl.h included) is local.
# Usage: cmake -DHEADER_DIR=include/weyl -DNODE=WEYL_0.2 -DOUT=weyl.map -P weyl_symbols.cmake
file(GLOB headers "${HEADER_DIR}/*.h")
list(SORT headers)
set(names "")
foreach(h IN LISTS headers)
  file(READ "${h}" text)
  # Comments may quote calls ("free it with weyl_basis_free(b)"): drop them first.
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " text "${text}")
  string(REGEX REPLACE "//[^\n]*" " " text "${text}")
  # A declaration is a weyl_ name directly followed by its parameter list.
  string(REGEX MATCHALL "weyl_[A-Za-z0-9_]+[ \t\r\n]*\\(" calls "${text}")
  foreach(c IN LISTS calls)
    string(REGEX REPLACE "[ \t\r\n]*\\($" "" c "${c}")
    list(APPEND names "${c}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES names)
list(SORT names)
set(body "/* Generated from ${HEADER_DIR}/*.h by src/weyl_symbols.cmake. */\n${NODE} {\n  global:\n")
foreach(n IN LISTS names)
  string(APPEND body "    ${n};\n")
endforeach()
string(APPEND body "  local:\n    *;\n};\n")
# Rewrite only on change, so an edited comment does not relink the library.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL body)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${body}")
