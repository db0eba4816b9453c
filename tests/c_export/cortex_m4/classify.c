/* The Cortex-M4 test program: classifies the images of IMAGES_HEADER (pixels 0-255, the network's
   input layout, as `static const unsigned char images[IMAGE_COUNT][...]`) with NETWORK_PREDICT and
   prints each class on a line of its own through semihosting. Built by check_cortex_m4.sh with
     -DNETWORK_HEADER='"NAME.h"' -DNETWORK_PREDICT=NAME_predict -DIMAGES_HEADER='"images.h"'
     -DNETWORK_INPUTS='(NAME_CHANNELS * NAME_HEIGHT * NAME_WIDTH)' -DNETWORK_CLASSES=NAME_CLASSES */
#include NETWORK_HEADER
#include IMAGES_HEADER

void semihost_print(const char *text);

int main(void) {
    static float input[NETWORK_INPUTS];
    float probabilities[NETWORK_CLASSES];
    char line[16];
    int i, k;
    for (i = 0; i < IMAGE_COUNT; ++i) {
        int label, n = 0;
        char digits[12];
        for (k = 0; k < NETWORK_INPUTS; ++k) input[k] = (float)images[i][k] / 255.0f;
        label = NETWORK_PREDICT(input, probabilities);
        do {
            digits[n++] = (char)('0' + label % 10);
            label /= 10;
        } while (label > 0);
        for (k = 0; k < n; ++k) line[k] = digits[n - 1 - k];
        line[n] = '\n';
        line[n + 1] = '\0';
        semihost_print(line);
    }
    return 0;
}
