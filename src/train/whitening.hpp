// Patch whitening: a first conv layer whose filters decorrelate the input's k x k patches, the
// data-dependent start of airbench (Jordan 2024) and its predecessors (Coates and Ng 2011).
//
// With p the (C kh kw)-vector of a patch of the network's input (normalised as the network sees
// it, in the weight's (C, kh, kw) order) at every stride-1 position without padding of the
// first `count` training images, M = mean of p pᵀ (the second moment, as airbench takes it) and
// M = Σ λ_i v_i v_iᵀ its eigendecomposition with λ_1 >= λ_2 >= ..., filter i is
// v_i / sqrt(λ_i + eps): the filters' outputs over those patches have second moment
// diag(λ_i / (λ_i + eps)), about the identity. With 2 D filters (D = C kh kw), filters D..2D-1
// are the negatives of 0..D-1 (airbench's, so that a ReLU after keeps both signs). An
// eigenvector's sign is arbitrary; each is turned so that its largest component is positive.
#pragma once

#include <vector>

#include "core/tensor.hpp"
#include "io/data_description.hpp"
#include "io/image_set.hpp"

namespace cnn {

constexpr double kWhiteningEps = 5e-4;   // airbench's
constexpr int kWhiteningImages = 5000;  // the first images of the training set (airbench's count)

// Eigenvalues (descending) and unit eigenvectors (row i belongs to value i, largest component
// positive) of the symmetric n x n matrix `a` (row-major), by cyclic Jacobi rotations in double.
void symmetric_eigen(std::vector<double> a, int n, std::vector<double>& values, std::vector<double>& vectors);

// The mean of p pᵀ over every kh x kw patch (stride 1, no padding) of the images in `x`
// (N, C, H, W): a (C kh kw)^2 matrix, row-major.
std::vector<double> patch_second_moment(const Tensor& x, int kh, int kw);

// `weight` (F, C, kh, kw), F = D or 2 D, from the second moment (see the top of this file).
void whitening_filters(const std::vector<double>& second_moment, double eps, Tensor& weight);

// The whole step for a conv reading the network's input: the first min(count, training) images
// of `images` prepared for `input` and normalised as training feeds them, then the filters.
void whiten_first_layer(const ImageSet& images, int training, const Shape& input, const Normalization& normalization,
                        Tensor& weight, int count = kWhiteningImages, double eps = kWhiteningEps);

}  // namespace cnn
