// The one Catch2 main shared by every unit runner, compiled once to keep builds short.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
