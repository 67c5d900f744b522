// Private: splitting config text into statements.
//
// The format is line-oriented: a statement is the words of one line up to a `{`, a `}` or
// the end of the line. `#` starts a comment that runs to the end of the line. Braces need
// no surrounding spaces, so `namespace test{` and `}}` work; there is no quoting (as in
// Aerospike).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace conf {

struct Statement {
    enum class End { Line, Open, Close };  // what terminated the words

    std::vector<std::string> words;  // may be empty for a bare `{` or `}`
    End end = End::Line;
    int line = 0;  // 1-based
};

struct Lexed {
    std::vector<Statement> statements;
    int last_line = 0;  // line number of the last line of text (at least 1)
};

Lexed lex(std::string_view text);

}  // namespace conf
