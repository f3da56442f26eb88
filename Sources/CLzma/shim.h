#ifndef LASSOTOP_CLZMA_SHIM_H
#define LASSOTOP_CLZMA_SHIM_H
#include <lzma.h>
#include <stdlib.h>

// LZMA_STREAM_INIT and the filter-chain constants are macros Swift cannot use. A recording block is one raw LZMA2
// stream (no .xz container): preset `preset`, dictionary `dict_size` bytes. liblzma copies the options during init.
static inline lzma_stream *clzma_stream_new(void) {
    lzma_stream *stream = malloc(sizeof(lzma_stream));
    if (stream) {
        lzma_stream init = LZMA_STREAM_INIT;
        *stream = init;
    }
    return stream;
}

static inline void clzma_stream_free(lzma_stream *stream) {
    if (stream) {
        lzma_end(stream);
        free(stream);
    }
}

static inline lzma_ret clzma_raw_init(lzma_stream *stream, int encoder, uint32_t preset, uint32_t dict_size) {
    lzma_options_lzma options;
    if (lzma_lzma_preset(&options, preset)) return LZMA_OPTIONS_ERROR;
    options.dict_size = dict_size;
    lzma_filter filters[2] = {{LZMA_FILTER_LZMA2, &options}, {LZMA_VLI_UNKNOWN, NULL}};
    return encoder ? lzma_raw_encoder(stream, filters) : lzma_raw_decoder(stream, filters);
}
#endif
