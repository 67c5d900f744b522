#pragma once
// Fixture: a header of a layer below `cluster`.
