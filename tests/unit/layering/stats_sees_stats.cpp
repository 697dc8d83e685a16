// Compiled with tb_stats's include folders only: a module's own header is found.
#include "stats/paired.h"
