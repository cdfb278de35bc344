// Packet: one message on a port — an immutable, type-tagged, shared value.
//
// Stages exchange packets. A packet shares its payload (copies are cheap), so
// one 180 MB data set can fan out to several consumers without being copied.
// A stream port carries a sequence of packets numbered 0, 1, 2, … in the
// order the producer emitted them; the engine hands them to consumers in that
// order whatever the scheduling. Thread-safe to read from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>

namespace runexp {

class Packet {
 public:
  Packet() = default;

  template <typename T>
  static Packet Make(T value) {
    Packet packet;
    packet.payload_ = std::make_shared<const T>(std::move(value));
    packet.type_ = &typeid(T);
    return packet;
  }

  template <typename T>
  static Packet Share(std::shared_ptr<const T> value) {
    Packet packet;
    packet.payload_ = std::move(value);
    packet.type_ = &typeid(T);
    return packet;
  }

  bool empty() const { return payload_ == nullptr; }

  template <typename T>
  bool Holds() const { return type_ != nullptr && *type_ == typeid(T); }

  // The payload; asking for the wrong type is a programming error (the
  // engine checks port types before anything runs).
  template <typename T>
  const T& Get() const {
    if (!Holds<T>()) {
      throw std::logic_error(std::string("packet holds ") + (type_ ? type_->name() : "nothing") +
                             ", not " + typeid(T).name());
    }
    return *static_cast<const T*>(payload_.get());
  }

  template <typename T>
  std::shared_ptr<const T> Share() const {
    Get<T>();  // type check
    return std::static_pointer_cast<const T>(payload_);
  }

  int64_t sequence() const { return sequence_; }
  Packet WithSequence(int64_t sequence) const {
    Packet copy = *this;
    copy.sequence_ = sequence;
    return copy;
  }

 private:
  std::shared_ptr<const void> payload_;
  const std::type_info* type_ = nullptr;
  int64_t sequence_ = 0;
};

}  // namespace runexp
