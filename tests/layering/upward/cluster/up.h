#pragma once
// Fixture: includes a layer above: the check refuses it.
#include <service/server.h>
