# shellcheck shell=bash
# The ctest names of the tests that check other programs against cnn (the ONNX clients, the C
# export's compilers and qemu, the browser, the data script, mpirun across two hosts) and the
# layering check: they do not depend on the vector width or on OpenBLAS's kernel variables, so the
# passes for those (scripts/test.sh, scripts/test_widths.sh) leave them to the main pass.
# Sourced: sets TOOL_TESTS, a ctest -E pattern.
TOOL_TESTS='onnx_clients|c_export|browser_pages|fetch_mnist_script|layering|mpi_two_hosts'
