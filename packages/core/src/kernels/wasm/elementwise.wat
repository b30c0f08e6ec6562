;; Elementwise kernels with WebAssembly SIMD: e^x, the logistic sigmoid and tanh in float32 (f32x4),
;; whose Math.exp is the largest single cost of training a sigmoid network in JavaScript (as ops
;; on 4096 elements, copies included: ≈ 25–37 ns per element in JavaScript, 3.5–6 ns here, on
;; Zen 3; scripts/bench-elementwise.mjs), and the cheap activation ops and derivative rules in
;; float32 and float64 (relu and the rules of relu, sigmoid, tanh): 4.5–10 ns per element as
;; JavaScript ops, 2–3 times less here. In float64 those compute exactly what the JavaScript loops
;; compute, bit for bit (the same IEEE operations in the same order); in float32 each operation
;; rounds to float32, where JavaScript rounds once at the end: within 2 ulp.
;; scripts/build-wasm.mjs compiles this into elementwise-wasm.generated.ts, with a relaxed-SIMD
;; twin in which each Horner step (f32x4.add (local.get $cN) (f32x4.mul P R)) becomes one fused
;; multiply-add; elementwise-wasm.ts copies the inputs into this module's memory, calls the kernel
;; and copies the result out.
;;
;; e^v for float32, as Cephes' expf: v = k·ln 2 + r with k an integer and |r| ≤ ln 2 / 2, so
;; e^v = 2^k · e^r, with e^r from a degree-7 polynomial: within 3 ulp of Math.exp rounded to
;; float32, for e^x and for the sigmoid (measured worst: 2.86 ulp for the sigmoid over 16.5 million
;; inputs in [−100, 100]). k is rounded by adding and subtracting 1.5·2²³: the sum's low mantissa
;; bits then hold k as an integer, without a float-to-integer conversion (V8 spends a dozen
;; instructions on i32x4.trunc_sat_f32x4_s and on the NaN-exact f32x4.min/max; pmin/pmax are one
;; each). 2^k is applied as 2^floor(k/2) · 2^(k−floor(k/2)), two powers of two built in the
;; exponent bits, so k from −150 to 128 (subnormal results, and results just below the largest
;; float) stays exact.
;; NaN passes through the clamp and the polynomial as NaN.
(module
  (memory (export "memory") 1)

  ;; y = e^(s·x) over $bytes bytes (a multiple of 32) from byte addresses $x and $y, s = ±1. Each
  ;; loop turn computes two vectors side by side (suffixes a and b): two independent chains of
  ;; dependent multiplies and adds keep the CPU busy while one waits (1.6 times faster than one).
  (func $exp (param $x i32) (param $y i32) (param $bytes i32) (param $s f32)
    (local $end i32) (local $sign v128)
    (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128)
    (local $va v128) (local $ja v128) (local $ka v128) (local $ra v128) (local $pa v128) (local $ia v128)
    (local $vb v128) (local $jb v128) (local $kb v128) (local $rb v128) (local $pb v128) (local $ib v128)
    (local.set $sign (f32x4.splat (local.get $s)))
    (local.set $c1 (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1))
    (local.set $c2 (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1))
    (local.set $c3 (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2))
    (local.set $c4 (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3))
    (local.set $c5 (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3))
    (local.set $end (i32.add (local.get $x) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        ;; v = s·x, clamped to [−104, 88.73]: past these ends e^v is 0 or +∞ in float32 anyway
        (local.set $va (f32x4.pmax (f32x4.pmin (f32x4.mul (v128.load (local.get $x)) (local.get $sign))
          (v128.const f32x4 88.73 88.73 88.73 88.73)) (v128.const f32x4 -104 -104 -104 -104)))
        (local.set $vb (f32x4.pmax (f32x4.pmin (f32x4.mul (v128.load offset=16 (local.get $x)) (local.get $sign))
          (v128.const f32x4 88.73 88.73 88.73 88.73)) (v128.const f32x4 -104 -104 -104 -104)))
        ;; j = v·log₂e + 1.5·2²³ (k in its low bits); k = j − 1.5·2²³
        (local.set $ja (f32x4.add (f32x4.mul (local.get $va) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
          (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $jb (f32x4.add (f32x4.mul (local.get $vb) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
          (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $ka (f32x4.sub (local.get $ja) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $kb (f32x4.sub (local.get $jb) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        ;; r = v − k·ln 2, with ln 2 in two parts (0.693359375 is exact in 9 bits) for accuracy
        (local.set $ra (f32x4.sub (local.get $va) (f32x4.mul (local.get $ka) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $rb (f32x4.sub (local.get $vb) (f32x4.mul (local.get $kb) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $ra (f32x4.sub (local.get $ra) (f32x4.mul (local.get $ka) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $rb (f32x4.sub (local.get $rb) (f32x4.mul (local.get $kb) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        ;; e^r = 1 + r + r²·(c1 + r·(c2 + r·(c3 + r·(c4 + r·(c5 + r·c6))))), by Horner
        (local.set $pa (f32x4.mul (local.get $ra) (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4)))
        (local.set $pb (f32x4.mul (local.get $rb) (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4)))
        (local.set $pa (f32x4.add (local.get $c5) (f32x4.mul (local.get $pa) (local.get $ra))))
        (local.set $pb (f32x4.add (local.get $c5) (f32x4.mul (local.get $pb) (local.get $rb))))
        (local.set $pa (f32x4.add (local.get $c4) (f32x4.mul (local.get $pa) (local.get $ra))))
        (local.set $pb (f32x4.add (local.get $c4) (f32x4.mul (local.get $pb) (local.get $rb))))
        (local.set $pa (f32x4.add (local.get $c3) (f32x4.mul (local.get $pa) (local.get $ra))))
        (local.set $pb (f32x4.add (local.get $c3) (f32x4.mul (local.get $pb) (local.get $rb))))
        (local.set $pa (f32x4.add (local.get $c2) (f32x4.mul (local.get $pa) (local.get $ra))))
        (local.set $pb (f32x4.add (local.get $c2) (f32x4.mul (local.get $pb) (local.get $rb))))
        (local.set $pa (f32x4.add (local.get $c1) (f32x4.mul (local.get $pa) (local.get $ra))))
        (local.set $pb (f32x4.add (local.get $c1) (f32x4.mul (local.get $pb) (local.get $rb))))
        (local.set $pa (f32x4.add (f32x4.add (local.get $ra) (v128.const f32x4 1 1 1 1))
          (f32x4.mul (local.get $pa) (f32x4.mul (local.get $ra) (local.get $ra)))))
        (local.set $pb (f32x4.add (f32x4.add (local.get $rb) (v128.const f32x4 1 1 1 1))
          (f32x4.mul (local.get $pb) (f32x4.mul (local.get $rb) (local.get $rb)))))
        ;; k as an integer: j's bits less those of 1.5·2²³; then · 2^floor(k/2) · 2^(k−floor(k/2)),
        ;; each power of two as the bits (e + 127) << 23
        (local.set $ia (i32x4.sub (local.get $ja) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))
        (local.set $ib (i32x4.sub (local.get $jb) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))
        (local.set $pa (f32x4.mul (local.get $pa)
          (i32x4.shl (i32x4.add (i32x4.shr_s (local.get $ia) (i32.const 1)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
        (local.set $pb (f32x4.mul (local.get $pb)
          (i32x4.shl (i32x4.add (i32x4.shr_s (local.get $ib) (i32.const 1)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
        (local.set $pa (f32x4.mul (local.get $pa)
          (i32x4.shl (i32x4.add (i32x4.sub (local.get $ia) (i32x4.shr_s (local.get $ia) (i32.const 1)))
            (v128.const i32x4 127 127 127 127)) (i32.const 23))))
        (local.set $pb (f32x4.mul (local.get $pb)
          (i32x4.shl (i32x4.add (i32x4.sub (local.get $ib) (i32x4.shr_s (local.get $ib) (i32.const 1)))
            (v128.const i32x4 127 127 127 127)) (i32.const 23))))
        ;; at the bottom of the clamp (v ≤ −104, e^v below half the smallest float): 0
        (v128.store (local.get $y) (v128.andnot (local.get $pa)
          (f32x4.le (local.get $va) (v128.const f32x4 -104 -104 -104 -104))))
        (v128.store offset=16 (local.get $y) (v128.andnot (local.get $pb)
          (f32x4.le (local.get $vb) (v128.const f32x4 -104 -104 -104 -104))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $turn))))

  ;; y = e^x over $bytes bytes (a multiple of 32)
  (func (export "exp32") (param $x i32) (param $y i32) (param $bytes i32)
    (call $exp (local.get $x) (local.get $y) (local.get $bytes) (f32.const 1)))

  ;; y = 1 / (1 + e^−x) over $bytes bytes (a multiple of 32): e^−x, then a second pass over y
  ;; (e^−x = +∞ gives 0, e^−x = 0 gives 1)
  (func (export "sigmoid32") (param $x i32) (param $y i32) (param $bytes i32)
    (local $end i32)
    (call $exp (local.get $x) (local.get $y) (local.get $bytes) (f32.const -1))
    (local.set $end (i32.add (local.get $y) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y) (f32x4.div (v128.const f32x4 1 1 1 1)
          (f32x4.add (v128.const f32x4 1 1 1 1) (v128.load (local.get $y)))))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $turn))))

  ;; y = tanh x over $bytes bytes (a multiple of 32), as Cephes' tanhf: for |x| < 0.625,
  ;; x + x·z·P(z) with z = x² (a degree-4 P); else ±(1 − 2 / (e^2|x| + 1)), with e^2|x| from $exp
  ;; (+∞ gives ±1). Three passes: 2|x| into y, e^y in place, then both forms and a choice per lane.
  (func (export "tanh32") (param $x i32) (param $y i32) (param $bytes i32)
    (local $i i32) (local $v v128) (local $z v128) (local $p v128) (local $c0 v128) (local $c1 v128)
    (local $c2 v128) (local $c3 v128)
    (local.set $i (i32.const 0))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (v128.store (i32.add (local.get $y) (local.get $i))
          (f32x4.mul (f32x4.abs (v128.load (i32.add (local.get $x) (local.get $i))))
            (v128.const f32x4 2 2 2 2)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $turn)))
    (call $exp (local.get $y) (local.get $y) (local.get $bytes) (f32.const 1))
    (local.set $c0 (v128.const f32x4 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1))
    (local.set $c1 (v128.const f32x4 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1))
    (local.set $c2 (v128.const f32x4 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2))
    (local.set $c3 (v128.const f32x4 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2))
    (local.set $i (i32.const 0))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $z (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $p (v128.const f32x4 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3))
        (local.set $p (f32x4.add (local.get $c3) (f32x4.mul (local.get $p) (local.get $z))))
        (local.set $p (f32x4.add (local.get $c2) (f32x4.mul (local.get $p) (local.get $z))))
        (local.set $p (f32x4.add (local.get $c1) (f32x4.mul (local.get $p) (local.get $z))))
        (local.set $p (f32x4.add (local.get $c0) (f32x4.mul (local.get $p) (local.get $z))))
        ;; |tanh x| by the form for |x|, then x's sign bit (so tanh −0 = −0)
        (v128.store (i32.add (local.get $y) (local.get $i))
          (v128.or
            (v128.bitselect
              ;; small |x|: |x + x·z·P(z)|
              (f32x4.abs (f32x4.add (local.get $v)
                (f32x4.mul (f32x4.mul (local.get $v) (local.get $z)) (local.get $p))))
              ;; large |x|: 1 − 2 / (e + 1)
              (f32x4.sub (v128.const f32x4 1 1 1 1)
                (f32x4.div (v128.const f32x4 2 2 2 2)
                  (f32x4.add (v128.load (i32.add (local.get $y) (local.get $i))) (v128.const f32x4 1 1 1 1))))
              (f32x4.lt (f32x4.abs (local.get $v)) (v128.const f32x4 0.625 0.625 0.625 0.625)))
            (v128.and (local.get $v) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $turn))))

  ;; The kernels below take byte addresses and a byte count that is a multiple of 16 (the caller
  ;; pads to 32; the lanes past the end compute junk no one reads), one vector a loop turn.

  ;; y = max(x, 0), NaN kept (as Math.max: max(−0, 0) = 0)
  (func (export "relu32") (param $x i32) (param $y i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $y) (f32x4.max (v128.load (local.get $x)) (v128.const f32x4 0 0 0 0)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $turn))))

  (func (export "relu64") (param $x i32) (param $y i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $y) (f64x2.max (v128.load (local.get $x)) (v128.const f64x2 0 0)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $turn))))

  ;; y = g where x > 0, else g·0 (so an infinite g gives NaN there, as the JavaScript loop does)
  (func (export "reluGrad32") (param $g i32) (param $x i32) (param $y i32) (param $bytes i32)
    (local $end i32) (local $gv v128)
    (local.set $end (i32.add (local.get $g) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $gv (v128.load (local.get $g)))
        (v128.store (local.get $y)
          (v128.bitselect (local.get $gv) (f32x4.mul (local.get $gv) (v128.const f32x4 0 0 0 0))
            (f32x4.gt (v128.load (local.get $x)) (v128.const f32x4 0 0 0 0))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $turn))))

  (func (export "reluGrad64") (param $g i32) (param $x i32) (param $y i32) (param $bytes i32)
    (local $end i32) (local $gv v128)
    (local.set $end (i32.add (local.get $g) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $gv (v128.load (local.get $g)))
        (v128.store (local.get $y)
          (v128.bitselect (local.get $gv) (f64x2.mul (local.get $gv) (v128.const f64x2 0 0))
            (f64x2.gt (v128.load (local.get $x)) (v128.const f64x2 0 0))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $turn))))

  ;; out = g·(y·(1 − y)): sigmoid's derivative rule from its output y
  (func (export "sigmoidGrad32") (param $g i32) (param $y i32) (param $out i32) (param $bytes i32)
    (local $end i32) (local $yv v128)
    (local.set $end (i32.add (local.get $g) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $yv (v128.load (local.get $y)))
        (v128.store (local.get $out)
          (f32x4.mul (v128.load (local.get $g))
            (f32x4.mul (local.get $yv) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $yv)))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $turn))))

  (func (export "sigmoidGrad64") (param $g i32) (param $y i32) (param $out i32) (param $bytes i32)
    (local $end i32) (local $yv v128)
    (local.set $end (i32.add (local.get $g) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $yv (v128.load (local.get $y)))
        (v128.store (local.get $out)
          (f64x2.mul (v128.load (local.get $g))
            (f64x2.mul (local.get $yv) (f64x2.sub (v128.const f64x2 1 1) (local.get $yv)))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $turn))))

  ;; out = g·(1 − y·y): tanh's derivative rule from its output y. In float32 as g·((1 − y)(1 + y)):
  ;; 1 − y·y loses most of its digits where |y| is near 1 once y·y is rounded to float32, while
  ;; 1 − y (or 1 + y, for y < 0) is then exact. float64 keeps the JavaScript loop's formula.
  (func (export "tanhGrad32") (param $g i32) (param $y i32) (param $out i32) (param $bytes i32)
    (local $end i32) (local $yv v128)
    (local.set $end (i32.add (local.get $g) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $yv (v128.load (local.get $y)))
        (v128.store (local.get $out)
          (f32x4.mul (v128.load (local.get $g))
            (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $yv))
              (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $yv)))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $turn))))

  (func (export "tanhGrad64") (param $g i32) (param $y i32) (param $out i32) (param $bytes i32)
    (local $end i32) (local $yv v128)
    (local.set $end (i32.add (local.get $g) (local.get $bytes)))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $yv (v128.load (local.get $y)))
        (v128.store (local.get $out)
          (f64x2.mul (v128.load (local.get $g))
            (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $yv) (local.get $yv)))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $turn)))))
