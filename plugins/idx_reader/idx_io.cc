#include "idx_io.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace runexp::idx::internal {

namespace {
// Linux transfers at most this much per call; asking for less keeps every
// call's count representable and the loop's progress obvious.
constexpr std::size_t kMaxTransfer = std::size_t{1} << 30;
}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

Status UniqueFd::Close(const std::string& path) {
  // close() releases the descriptor even when it fails: never retry it.
  if (fd_ >= 0 && ::close(Release()) != 0) {
    return Status::IOError(path + ": close failed: " + ErrnoText(errno));
  }
  return Status::OK();
}

std::string ErrnoText(int error) {
  // strerror may share one buffer between threads; the GNU strerror_r does not.
  char buffer[256];
  return ::strerror_r(error, buffer, sizeof buffer);
}

Result<std::size_t> ReadFullyAt(int fd, uint64_t offset, std::span<std::byte> out,
                                const std::string& path) {
  std::size_t done = 0;
  while (done < out.size()) {
    const std::size_t want = std::min(out.size() - done, kMaxTransfer);
    const ssize_t got = ::pread(fd, out.data() + done, want, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(path + ": read failed at byte " + std::to_string(offset + done) +
                             ": " + ErrnoText(errno));
    }
    if (got == 0) break;  // end of file
    done += static_cast<std::size_t>(got);
  }
  return done;
}

Status WriteFully(int fd, std::span<const std::byte> data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const std::size_t want = std::min(data.size() - done, kMaxTransfer);
    const ssize_t put = ::write(fd, data.data() + done, want);
    if (put < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(path + ": write failed: " + ErrnoText(errno));
    }
    done += static_cast<std::size_t>(put);
  }
  return Status::OK();
}

}  // namespace runexp::idx::internal
