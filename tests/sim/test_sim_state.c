/* SPDX-License-Identifier: MIT */
#include "test_util.h"
int main(int argc, char **argv) { t_setup(argc, argv); return t_done(); }
