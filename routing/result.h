#pragma once
// A small value-or-error type for paths where exceptions are not wanted (per-event work).

#include <string>
#include <utility>
#include <variant>

namespace switchboard {

struct Error {
  std::string code;     // stable, machine-readable ("invalid_json", "missing_field", ...)
  std::string message;  // one line, for people; never contains credential values
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}                 // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}             // NOLINT: implicit by design

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace switchboard
