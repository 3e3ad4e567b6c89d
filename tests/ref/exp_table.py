# Writes the table of sim/exp_fast.c: for i = 0..127, 2^(i/128) rounded to the nearest
# double (float(Decimal) rounds correctly) and what that rounding left, relative to it,
# from 60-digit decimal arithmetic; and prints the split of ln(2)/128 used by
# sim/exp_fast.h (a high part of 34 bits: k * hi is exact for |k| < 2^19) with 128/ln(2).
# Run: python3 tests/ref/exp_table.py
from decimal import Decimal, getcontext
import struct

getcontext().prec = 60
ln2 = Decimal(2).ln()


def bits(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def from_bits(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


ln2n = ln2 / 128
hi = from_bits(bits(float(ln2n)) & ~((1 << 19) - 1))
lo = float(ln2n - Decimal(hi))
print("/* ln2/128 hi %s lo %s, 128/ln2 %s */" % (hi.hex(), lo.hex(), float(128 / ln2).hex()))
for i in range(128):
    exact = (Decimal(i) / 128 * ln2).exp()
    t = float(exact)
    rel = float((exact - Decimal(t)) / Decimal(t))
    print("    {%s, %s}," % (t.hex(), rel.hex()))
