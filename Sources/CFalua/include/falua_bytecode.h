#ifndef FALUA_BYTECODE_H
#define FALUA_BYTECODE_H

#include <stddef.h>

/// Compiles Lua `source` (chunk `name`, e.g. "@fal/queue.lua") to bytecode with its debug
/// information. Returns NULL and a malloc'd `*bytecode` of `*size` bytes, or the malloc'd message
/// of the syntax error. The caller frees either.
char *falua_compile(const char *source, size_t length, const char *name, unsigned char **bytecode, size_t *size);

#endif
