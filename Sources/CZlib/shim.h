#ifndef LASSOTOP_CZLIB_SHIM_H
#define LASSOTOP_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2/inflateInit2 are macros Swift cannot call; raw deflate (no zlib header), 32 KiB window.
static inline int czlib_deflate_init(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

static inline int czlib_inflate_init(z_streamp stream) {
    return inflateInit2(stream, -15);
}
#endif
