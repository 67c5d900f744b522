// load_file(): read the file, then parse_string() (parser.cpp) does the rest.

#include "conf/loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "conf/config_error.h"

namespace conf {

Config load_file(const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) {
        throw ConfigError(path, 0, "cannot open '" + path + "': " + std::strerror(errno));
    }
    std::string text;
    char buffer[8192];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get())) text.append(buffer, n);
    if (std::ferror(file.get())) {
        throw ConfigError(path, 0, "cannot read '" + path + "': " + std::strerror(errno));
    }
    return parse_string(text, path);
}

}  // namespace conf
