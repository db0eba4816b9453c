/* The Cortex-M4 test program of the int8 export: classifies the images of IMAGES_HEADER (as
   classify.c) with NETWORK_PREDICT_U8 on their bytes and prints each class through semihosting.
   tests/c_export/int8_checks.py runs it with the FPU left off (startup.c built with
   -DLEAVE_FPU_OFF): a single float instruction would fault. */
#include NETWORK_HEADER
#include IMAGES_HEADER

void semihost_print(const char *text);

int main(void) {
    char line[16];
    int i, k;
    for (i = 0; i < IMAGE_COUNT; ++i) {
        int label = NETWORK_PREDICT_U8(images[i]), n = 0;
        char digits[12];
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
