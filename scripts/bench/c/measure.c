// Runs a command and writes its wall time and peak resident memory to fd 3 as
// "wall_seconds peak_rss_kib\n"; exits with the command's status (128 + signal if killed).
// The harness measures through this small process because Linux counts a forked child's memory
// before exec in its ru_maxrss: spawned from the Python harness, every command would report at
// least the harness's own size.
//   measure COMMAND [ARGUMENT...]
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: measure COMMAND [ARGUMENT...]\n");
    return 2;
  }
  struct timespec started, ended;
  clock_gettime(CLOCK_MONOTONIC, &started);
  pid_t pid = fork();
  if (pid < 0) {
    perror("measure: fork");
    return 2;
  }
  if (pid == 0) {
    close(3);
    execvp(argv[1], argv + 1);
    perror(argv[1]);
    _exit(127);
  }
  int status;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) < 0) {
    perror("measure: wait4");
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &ended);
  double wall = (ended.tv_sec - started.tv_sec) + (ended.tv_nsec - started.tv_nsec) / 1e9;
  dprintf(3, "%.9f %ld\n", wall, usage.ru_maxrss);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
