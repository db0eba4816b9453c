/* A desktop program around an int8 export (cnn export --int8 --format c), for
   tests/c_export/int8_checks.py: reads images as bytes 0-255 (each NETWORK_INPUTS, the network's
   input layout) from stdin until it ends, and prints per image the class of NETWORK_PREDICT_U8,
   the class of NETWORK_PREDICT on the same image as floats (byte / 255) and its probabilities,
   one line each. Built with -DNETWORK_HEADER='"NAME.h"' -DNETWORK_PREDICT=NAME_predict
     -DNETWORK_PREDICT_U8=NAME_predict_u8 -DNETWORK_INPUTS='(...)' -DNETWORK_CLASSES=NAME_CLASSES */
#include <stdio.h>

#include NETWORK_HEADER

int main(void) {
    static unsigned char pixels[NETWORK_INPUTS];
    static float input[NETWORK_INPUTS];
    float probabilities[NETWORK_CLASSES];
    int k;
    while (fread(pixels, 1, NETWORK_INPUTS, stdin) == NETWORK_INPUTS) {
        const int from_pixels = NETWORK_PREDICT_U8(pixels);
        int from_floats;
        for (k = 0; k < NETWORK_INPUTS; ++k) input[k] = (float)pixels[k] / 255.0f;
        from_floats = NETWORK_PREDICT(input, probabilities);
        printf("%d %d", from_pixels, from_floats);
        for (k = 0; k < NETWORK_CLASSES; ++k) printf(" %.9g", probabilities[k]);
        printf("\n");
    }
    return ferror(stdin) ? 1 : 0;
}
