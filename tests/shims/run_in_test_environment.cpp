// run_in_test_environment COMMAND [ARGS...]: runs a script test (ctest's fetch_mnist_script,
// onnx_clients, browser_pages, ...) in the environment the Catch2 tests make for themselves
// (tests/test_environment.hpp), so that no test depends on the machine's OPENBLAS_*, CNN_*, MPI
// launch variables, locale or HOME. Exits with the command's status (128 + signal when killed).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "test_environment.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: run_in_test_environment COMMAND [ARGS...]\n");
    return 2;
  }
  cnn::test::control_test_environment(argv);
  const pid_t child = fork();
  if (child < 0) {
    std::perror("run_in_test_environment: fork");
    return 1;
  }
  if (child == 0) {
    execvp(argv[1], argv + 1);
    std::perror("run_in_test_environment: exec");
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
  }
  // Returning (not _exit) runs the atexit handler that removes the test HOME.
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
