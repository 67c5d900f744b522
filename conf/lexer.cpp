// Statement splitter for the stanza format; see lexer.h.

#include "lexer.h"

namespace conf {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Splits one line (without its newline, comment already removed) into statements.
void lex_line(std::string_view line, int number, std::vector<Statement>& out) {
    Statement current;
    current.line = number;
    std::size_t pos = 0;
    while (pos < line.size()) {
        char c = line[pos];
        if (is_space(c)) {
            ++pos;
        } else if (c == '{' || c == '}') {
            current.end = c == '{' ? Statement::End::Open : Statement::End::Close;
            out.push_back(std::move(current));
            current = Statement{};
            current.line = number;
            ++pos;
        } else {
            std::size_t start = pos;
            while (pos < line.size() && !is_space(line[pos]) && line[pos] != '{' && line[pos] != '}') {
                ++pos;
            }
            current.words.emplace_back(line.substr(start, pos - start));
        }
    }
    if (!current.words.empty()) out.push_back(std::move(current));
}

}  // namespace

Lexed lex(std::string_view text) {
    Lexed result;
    int number = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        ++number;
        if (std::size_t hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        lex_line(line, number, result.statements);
        pos = end + 1;
    }
    result.last_line = number > 0 ? number : 1;
    return result;
}

}  // namespace conf
