// conf::ConfigError: the one exception the conf module throws.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace conf {

// A configuration the daemon must refuse to start with. what() reads `file:line: message`
// (line 0 when no line applies, e.g. a file that cannot be opened: then `file: message`).
// Thrown only at process edges (loading); main() catches it, logs it once and exits.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, int line, const std::string& message)
        : std::runtime_error(format(file, line, message)),
          file_(std::move(file)),
          line_(line),
          message_(message) {}

    const std::string& file() const noexcept { return file_; }
    int line() const noexcept { return line_; }
    // The message without the `file:line: ` prefix.
    const std::string& message() const noexcept { return message_; }

private:
    static std::string format(const std::string& file, int line, const std::string& message) {
        if (line <= 0) return file + ": " + message;
        return file + ":" + std::to_string(line) + ": " + message;
    }

    std::string file_;
    int line_;
    std::string message_;
};

}  // namespace conf
