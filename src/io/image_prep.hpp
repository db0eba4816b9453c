// MNIST-style preparation of a user's image, the way the MNIST digits were made:
//   1. gray, transparency composited on white (io/image.hpp);
//   2. ink made bright on dark: inverted when the background (the median of the border pixels)
//      is light, then the background level subtracted and the contrast stretched to [0, 1];
//   3. cropped to the bounding box of the ink (pixels above 0.2 after step 2);
//   4. scaled (stb_image_resize) so the longer side is 20 pixels, keeping the aspect ratio;
//   5. pasted into 28x28 so its centre of mass sits at the centre (14, 14).
// A blank image (no ink after step 2) is an error, not a guess.
#pragma once

#include "io/image.hpp"

namespace cnn {

// Output: 28x28, values in [0, 1] with 1 = ink (MNIST convention).
GrayImage prepare_mnist_style(const GrayImage& image, const std::string& name);

// For images already in MNIST form (white digit on black, the model's size): only the checks.
GrayImage as_raw_input(const GrayImage& image, int height, int width, const std::string& name);

}  // namespace cnn
