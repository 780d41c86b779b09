# Doxygen input filter (src/Doxyfile): the headers use plain C comments, as
# the house style asks; Doxygen only reads /** */ ones. This turns, on the
# fly, the first comment of a header into its file description, a comment on
# its own line into the documentation of what follows, and a comment after
# code on the same line into the documentation of that code.
1s|^/\* |/** @file\n * |
1!s|^\( *\)/\* |\1/** |
1!s|^\( *\)/\*$|\1/**|
s|\([^ ].*\)\( *\)/\* |\1\2/**< |
