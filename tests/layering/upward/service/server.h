#pragma once
// Fixture: a header of a layer above `cluster`.
