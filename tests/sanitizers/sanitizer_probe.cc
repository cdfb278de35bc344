// A program with one deliberate sanitizer finding per mode, for
// sanitizer_reports_test: proof that a report in a child process reaches the
// log files scripts/test-sanitizers.sh checks. Built only with RUNEXP_SANITIZE.
//
//   sanitizer_probe ubsan   signed integer overflow (UBSan)
//   sanitizer_probe asan    heap buffer overflow by one element (ASan)
//   sanitizer_probe leak    an allocation never freed (LeakSanitizer)
//   sanitizer_probe clean   nothing wrong; exits 0
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sanitizer_probe ubsan|asan|leak|clean\n");
    return 2;
  }
  // Sizes and operands come from the command line so the compiler cannot see
  // (and fold or pre-check) the faults.
  const int one = argc - 1;
  if (std::strcmp(argv[1], "ubsan") == 0) {
    int sum = INT_MAX;
    sum += one;
    return sum == 0 ? 0 : 3;
  }
  if (std::strcmp(argv[1], "asan") == 0) {
    const std::size_t count = static_cast<std::size_t>(3 + one);
    int* values = new int[count]();
    const int past_the_end = values[count];
    delete[] values;
    return past_the_end == 0 ? 3 : 4;
  }
  if (std::strcmp(argv[1], "leak") == 0) {
    static char* volatile kept;
    kept = static_cast<char*>(std::malloc(100 + one));
    kept[0] = 1;
    kept = nullptr;  // the only pointer gone: LeakSanitizer reports at exit
    return 0;
  }
  return std::strcmp(argv[1], "clean") == 0 ? 0 : 2;
}
