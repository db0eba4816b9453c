// SingleProcess and the helpers of communicator.hpp.
#include "core/communicator.hpp"

#include <cstdlib>

namespace cnn {

void SingleProcess::abort(int exit_code) { std::exit(exit_code); }

void broadcast_string(Communicator& comm, std::string& text) {
  if (comm.size() == 1) return;
  std::uint64_t length = text.size();
  comm.broadcast(&length, sizeof length);
  text.resize(static_cast<std::size_t>(length));
  if (length > 0) comm.broadcast(text.data(), text.size());
}

}  // namespace cnn
