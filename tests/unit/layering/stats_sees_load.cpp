// Compiled with tb_stats's include folders only: stats links nothing in harness/, so a load
// header must not be found. The test expects this file to fail to compile.
#include "load/send_lag_limit.h"
