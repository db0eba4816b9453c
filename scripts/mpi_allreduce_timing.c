/* Times the per-step collective of `mpirun -np N cnn train` for a gradient buffer of LeNet-5's size
 * (61,706 floats; docs/distributed.md): MPI_Allreduce (--mpi-reduction native) and MPI_Allgather
 * plus the ordered sum (the default, --mpi-reduction ordered). Prints the median over many calls.
 *
 *   mpicc -O2 -o /tmp/allreduce_timing scripts/mpi_allreduce_timing.c
 *   mpirun --oversubscribe --bind-to none -np 2 /tmp/allreduce_timing [count] [repeats]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int count = argc > 1 ? atoi(argv[1]) : 61706;
  const int repeats = argc > 2 ? atoi(argv[2]) : 300;
  float* data = malloc(sizeof(float) * (size_t)count);
  float* all = malloc(sizeof(float) * (size_t)count * (size_t)size);
  double* times = malloc(sizeof(double) * (size_t)repeats);
  for (int i = 0; i < count; ++i) data[i] = (float)(i % 97) * 1e-3f;
  for (int method = 0; method < 2; ++method) {
    for (int r = -10; r < repeats; ++r) { /* 10 warm-up calls */
      MPI_Barrier(MPI_COMM_WORLD);
      const double start = MPI_Wtime();
      if (method == 0) {
        MPI_Allreduce(MPI_IN_PLACE, data, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
      } else {
        MPI_Allgather(data, count, MPI_FLOAT, all, count, MPI_FLOAT, MPI_COMM_WORLD);
        for (int i = 0; i < count; ++i) data[i] = all[i];
        for (int p = 1; p < size; ++p)
          for (int i = 0; i < count; ++i) data[i] += all[(size_t)p * (size_t)count + (size_t)i];
      }
      const double seconds = MPI_Wtime() - start;
      if (r >= 0) times[r] = seconds;
      for (int i = 0; i < count; ++i) data[i] = (float)(i % 97) * 1e-3f;
    }
    qsort(times, (size_t)repeats, sizeof(double), compare);
    if (rank == 0)
      printf("%s, %d ranks, %d floats (%.0f KB): median %.1f us, p10 %.1f us, p90 %.1f us\n",
             method == 0 ? "MPI_Allreduce" : "MPI_Allgather + ordered sum", size, count, count * 4 / 1000.0,
             times[repeats / 2] * 1e6, times[repeats / 10] * 1e6, times[repeats * 9 / 10] * 1e6);
  }
  free(data);
  free(all);
  free(times);
  MPI_Finalize();
  return 0;
}
