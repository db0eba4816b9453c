/* A desktop program around an int8 export (cnn export --int8 --format c), for
   tests/c_export/int8_checks.py: reads images as bytes 0-255 (each NETWORK_INPUTS, the network's
   input layout) from stdin until it ends, and prints per image the class of NETWORK_PREDICT_U8,
   the class of NETWORK_PREDICT on the same image as floats (byte / 255) and its probabilities,
   one line each; with the argument --u8-only, NETWORK_PREDICT_U8's class alone (the float entry
   point costs as much again, and an accuracy needs only the bytes' class). Built with
     -DNETWORK_HEADER='"NAME.h"' -DNETWORK_PREDICT=NAME_predict
     -DNETWORK_PREDICT_U8=NAME_predict_u8 -DNETWORK_INPUTS='(...)' -DNETWORK_CLASSES=NAME_CLASSES */
#include <stdio.h>
#include <string.h>

#include NETWORK_HEADER

int main(int argc, char **argv) {
    const int u8_only = argc > 1 && strcmp(argv[1], "--u8-only") == 0;
    static unsigned char pixels[NETWORK_INPUTS];
    static float input[NETWORK_INPUTS];
    float probabilities[NETWORK_CLASSES];
    int k;
    while (fread(pixels, 1, NETWORK_INPUTS, stdin) == NETWORK_INPUTS) {
        const int from_pixels = NETWORK_PREDICT_U8(pixels);
        int from_floats;
        if (u8_only) {
            printf("%d\n", from_pixels);
            continue;
        }
        for (k = 0; k < NETWORK_INPUTS; ++k) input[k] = (float)pixels[k] / 255.0f;
        from_floats = NETWORK_PREDICT(input, probabilities);
        printf("%d %d", from_pixels, from_floats);
        for (k = 0; k < NETWORK_CLASSES; ++k) printf(" %.9g", probabilities[k]);
        printf("\n");
    }
    return ferror(stdin) ? 1 : 0;
}
