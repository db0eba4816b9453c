// The pieces of a distributed run that need no MPI (train/distributed_state.hpp,
// core/communicator.hpp): the gradient buffer, the parameter checksum and the check that ranks
// agree (with a stand-in communicator that reports other ranks' checksums), which batch sizes the
// ranks can split, and the single-process communicator. The mpirun tests are in test_mpi.cpp.
#include <catch2/catch.hpp>
#include <cmath>

#include "core/communicator.hpp"
#include "expect_error.hpp"
#include "net/builder.hpp"
#include "train/distributed_state.hpp"

using namespace cnn;

namespace {

// Rank 0 of a run whose other ranks report the given checksums.
class ReportedChecksums : public SingleProcess {
 public:
  explicit ReportedChecksums(std::vector<std::uint64_t> others) : others_(std::move(others)) {}
  int size() const override { return 1 + static_cast<int>(others_.size()); }
  std::vector<std::uint64_t> gather(std::uint64_t mine) override {
    std::vector<std::uint64_t> all{mine};
    all.insert(all.end(), others_.begin(), others_.end());
    return all;
  }

 private:
  std::vector<std::uint64_t> others_;
};

}  // namespace

TEST_CASE("gradients pack into one buffer in parameter order and unpack unchanged", "[distributed]") {
  auto net = build_net(lenet5_spec());
  float value = 0.0f;
  for (const Param& p : net->params())
    for (std::size_t i = 0; i < p.grad->size(); ++i) (*p.grad)[i] = (value += 0.25f);
  std::vector<float> buffer;
  pack_gradients(*net, buffer);
  REQUIRE(buffer.size() == 61706);
  CHECK(buffer.front() == 0.25f);
  CHECK(buffer[1] == 0.5f);
  // The last element of the buffer is the last parameter's last gradient.
  const Param& last = net->params().back();
  CHECK(buffer.back() == (*last.grad)[last.grad->size() - 1]);
  for (float& g : buffer) g *= 2.0f;
  unpack_gradients(buffer, *net);
  CHECK((*net->params().front().grad)[0] == 0.5f);
  CHECK((*last.grad)[last.grad->size() - 1] == buffer.back());
}

TEST_CASE("the parameter checksum sees a one-ulp change and the ranks' comparison names the rank", "[distributed]") {
  auto net = build_net(lenet5_spec());
  for (const Param& p : net->params()) p.value->fill(0.125f);
  const std::uint64_t before = parameter_checksum(*net);
  CHECK(parameter_checksum(*net) == before);
  float& w = (*net->params()[2].value)[7];
  w = std::nextafter(w, 1.0f);
  const std::uint64_t after = parameter_checksum(*net);
  CHECK(after != before);

  ReportedChecksums agree({after, after});
  check_ranks_agree(agree, *net, 3);
  ReportedChecksums diverged({after, before});
  test::expect_error([&] { check_ranks_agree(diverged, *net, 3); }, ExitCode::kInternal,
                     "after epoch 3 the parameters of rank 2");
}

TEST_CASE("every rank must get an image of every batch, the last one included", "[distributed]") {
  check_last_batch_fits_ranks(2, 330, 30);  // 11 full batches
  check_last_batch_fits_ranks(2, 332, 30);  // the last batch holds 2
  check_last_batch_fits_ranks(1, 331, 30);
  test::expect_error([] { check_last_batch_fits_ranks(2, 331, 30); }, ExitCode::kUsage,
                     "the last batch of each epoch holds 1 images (331 training images, batch size 30), fewer than the 2 ranks");
  test::expect_error([] { check_last_batch_fits_ranks(64, 6400, 32); }, ExitCode::kUsage, "fewer than the 64 ranks");
}

TEST_CASE("one process: every collective leaves the data as it is", "[distributed]") {
  SingleProcess alone;
  CHECK(alone.rank() == 0);
  CHECK(alone.size() == 1);
  std::vector<float> f{1.5f, -2.0f};
  std::vector<double> d{3.0};
  alone.sum(f.data(), f.size(), d.data(), d.size());
  CHECK(f == std::vector<float>{1.5f, -2.0f});
  CHECK(d == std::vector<double>{3.0});
  std::string text = "kept";
  broadcast_string(alone, text);
  CHECK(text == "kept");
  CHECK(alone.gather(42) == std::vector<std::uint64_t>{42});
}
