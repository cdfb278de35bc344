// Status and Result<T>: how runexp reports errors.
//
// Library code never exits or aborts on bad input; it returns a Status that
// carries a code from a small fixed set and a message that already says
// where the problem is (file and line:col for configs, file and byte offset
// for data). The CLI turns a failed Status into one line on stderr and an
// exit code. Both types are plain values: safe to copy and to move between
// threads, not synchronised.
#pragma once

#include <string>
#include <utility>
#include <optional>

namespace runexp {

enum class StatusCode {
  kOk,
  kNotFound,         // a file, run, plugin or key that does not exist
  kCorruption,       // data that exists but is malformed (IDX, checkpoint, database)
  kInvalidArgument,  // a bad value from the user: config, flag, override
  kIOError,          // the operating system refused a read or write
  kNotSupported,     // valid input that this build cannot handle
  kCancelled,        // stopped on request (Ctrl-C)
  kInternal,         // a bug in runexp or a plugin
};

class Status {
 public:
  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status NotSupported(std::string msg) {
    return {StatusCode::kNotSupported, std::move(msg)};
  }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "Corruption: data/x.idx: truncated data ..." — the form the CLI prints.
  std::string ToString() const;

  // Prefixes the message with context, e.g. the stage that was running.
  Status WithContext(const std::string& context) const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::string_view StatusCodeName(StatusCode code);

// Either a value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status::Internal("Result built from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  // Not a std::variant: g++ 12 reports false -Wmaybe-uninitialized for a
  // variant holding a std::string.
  Status status_;
  std::optional<T> value_;
};

}  // namespace runexp
