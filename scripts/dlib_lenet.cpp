// dlib 19.24 (Debian's libdlib-dev) on the same LeNet-5 as cnn, for scripts/benchmark.py: one
// measurement per run, printed as JSON. Not part of cnn; scripts/benchmark.py compiles it with
//   g++ -O3 -march=native -std=c++17 scripts/dlib_lenet.cpp $(pkg-config --cflags --libs dlib-1) -lz
//
//   dlib_lenet train BATCH DATA_DIR   one epoch over the 60,000 training images, Adam lr 1e-3
//   dlib_lenet infer BATCH DATA_DIR   the 60,000 training images (batch >= 1000) or the 10,000
//                                     test images (smaller batches), as benchmark.py measures cnn
//
// Same architecture as configs/lenet5.cfg: conv 6@5x5 same + ReLU, max pool 2x2, conv 16@5x5
// valid + ReLU, max pool 2x2, dense 120 + ReLU, 84 + ReLU, 10, softmax cross-entropy. Pixels are
// scaled to [0, 1] as cnn does. dlib runs with its defaults (OpenBLAS through libblas).
#include <dlib/dnn.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace dlib;

template <long N, typename SUBNET>
using con5same = add_layer<con_<N, 5, 5, 1, 1, 2, 2>, SUBNET>;
template <long N, typename SUBNET>
using con5valid = add_layer<con_<N, 5, 5, 1, 1, 0, 0>, SUBNET>;

using net_type = loss_multiclass_log<
    fc<10, relu<fc<84, relu<fc<120, max_pool<2, 2, 2, 2, relu<con5valid<16, max_pool<2, 2, 2, 2, relu<con5same<6,
    input<matrix<float>>>>>>>>>>>>>>;

namespace {

std::vector<unsigned char> read_gz(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot open " + path);
  std::vector<unsigned char> bytes;
  unsigned char buffer[1 << 16];
  int got = 0;
  while ((got = gzread(file, buffer, sizeof buffer)) > 0) bytes.insert(bytes.end(), buffer, buffer + got);
  gzclose(file);
  return bytes;
}

void load(const std::string& dir, const std::string& prefix, std::vector<matrix<float>>& images,
          std::vector<unsigned long>& labels) {
  const std::vector<unsigned char> pixels = read_gz(dir + "/" + prefix + "-images-idx3-ubyte.gz");
  const std::vector<unsigned char> classes = read_gz(dir + "/" + prefix + "-labels-idx1-ubyte.gz");
  const std::size_t count = classes.size() - 8;
  images.assign(count, matrix<float>(28, 28));
  labels.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    for (long r = 0; r < 28; ++r)
      for (long c = 0; c < 28; ++c) images[i](r, c) = pixels[16 + i * 784 + static_cast<std::size_t>(r * 28 + c)] / 255.0f;
    labels[i] = classes[8 + i];
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: dlib_lenet train|infer BATCH DATA_DIR\n");
    return 2;
  }
  const std::string mode = argv[1], dir = argv[3];
  const unsigned long batch = std::strtoul(argv[2], nullptr, 10);
  const auto t0 = std::chrono::steady_clock::now();
  net_type net;
  const double startup = seconds_since(t0);
  std::vector<matrix<float>> images;
  std::vector<unsigned long> labels;
  double seconds = 0.0;
  if (mode == "train") {
    load(dir, "train", images, labels);
    dnn_trainer<net_type, adam> trainer(net, adam(0.0, 0.9, 0.999));
    trainer.set_learning_rate(1e-3);
    trainer.set_mini_batch_size(batch);
    trainer.be_quiet();
    std::vector<std::size_t> order(images.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(1));
    std::vector<matrix<float>> x;
    std::vector<unsigned long> y;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < order.size(); i += batch) {
      x.clear();
      y.clear();
      for (std::size_t j = i; j < std::min(order.size(), i + batch); ++j) {
        x.push_back(images[order[j]]);
        y.push_back(labels[order[j]]);
      }
      trainer.train_one_step(x, y);
    }
    trainer.get_net();  // waits for the trainer's thread to finish the queued steps
    seconds = seconds_since(start);
  } else {
    load(dir, batch >= 1000 ? "train" : "t10k", images, labels);
    const auto start = std::chrono::steady_clock::now();
    if (batch == 1) {
      for (const auto& image : images) net(image);
    } else {
      net(images, batch);
    }
    seconds = seconds_since(start);
  }
  std::printf("{\"images_per_second\": %.1f, \"seconds\": %.4f, \"startup_seconds\": %.4f}\n",
              static_cast<double>(images.size()) / seconds, seconds, startup);
  return 0;
}
