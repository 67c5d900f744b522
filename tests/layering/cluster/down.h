#pragma once
// Fixture: includes only a layer below: the check accepts it.
#include "base/record.h"
