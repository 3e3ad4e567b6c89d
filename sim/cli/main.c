/* The mscsim command (sim/cli/dispatch.c runs it). */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
