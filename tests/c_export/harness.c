/* A desktop program around an exported network (cnn export --format c), for
   tests/c_export/check_c_export.py: reads images as float32 values (each NETWORK_INPUTS floats,
   the network's input layout) from stdin until it ends, and prints per image the class that
   NETWORK_PREDICT returns and the probabilities, one line each. Built with
     -DNETWORK_HEADER='"NAME.h"' -DNETWORK_PREDICT=NAME_predict
     -DNETWORK_INPUTS='(NAME_CHANNELS * NAME_HEIGHT * NAME_WIDTH)' -DNETWORK_CLASSES=NAME_CLASSES */
#include <stdio.h>

#include NETWORK_HEADER

int main(void) {
    static float input[NETWORK_INPUTS];
    float probabilities[NETWORK_CLASSES];
    int k;
    while (fread(input, sizeof input[0], NETWORK_INPUTS, stdin) == NETWORK_INPUTS) {
        const int label = NETWORK_PREDICT(input, probabilities);
        printf("%d", label);
        for (k = 0; k < NETWORK_CLASSES; ++k) printf(" %.9g", probabilities[k]);
        printf("\n");
    }
    return ferror(stdin) ? 1 : 0;
}
