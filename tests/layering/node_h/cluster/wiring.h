#pragma once
// Fixture: includes the node's wiring header: the check refuses it.
#include "node.h"
