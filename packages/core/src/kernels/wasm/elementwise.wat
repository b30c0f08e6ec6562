;; Elementwise float32 kernels with WebAssembly SIMD (f32x4): today the logistic sigmoid, whose
;; Math.exp is the largest single cost of training a sigmoid network in JavaScript (≈ 25 ns per
;; element on Zen 3, against ≈ 2.5 ns here). scripts/build-wasm.mjs compiles this into
;; elementwise-wasm.generated.ts, with a relaxed-SIMD twin in which each Horner step
;; (f32x4.add (local.get $cN) (f32x4.mul P R)) becomes one fused multiply-add; elementwise-wasm.ts
;; copies the input into this module's memory, calls the kernel and copies the result out.
;;
;; e^v for float32, as Cephes' expf: v = k·ln 2 + r with k an integer and |r| ≤ ln 2 / 2, so
;; e^v = 2^k · e^r, with e^r from a degree-7 polynomial. The sigmoid is within 3 ulp of Math.exp's
;; rounded to float32 (worst 2.86 over 16.5 million inputs in [−100, 100], measured). k is rounded
;; by adding and subtracting 1.5·2²³: the sum's low mantissa bits then hold k, and shifting them
;; into the exponent field gives 2^k without a float-to-integer conversion (V8 spends a dozen
;; instructions on i32x4.trunc_sat_f32x4_s and on the NaN-exact f32x4.min/max; pmin/pmax are one
;; each). v is clamped to [−87.33, 88.72] first, so 2^k stays in range: e^v below 2⁻¹²⁶ is taken
;; as 2⁻¹²⁶ (σ = 1 / (1 + 1e-38) rounds to 1 anyway), and where 2^k would pass float32's largest
;; power of two, as +∞ (σ = 0, where the exact σ is below 2⁻¹²⁶). NaN passes through as NaN.
(module
  (memory (export "memory") 1)

  ;; y[i] = 1 / (1 + e^(−x[i])) for i < n; $x and $y are byte addresses, n a multiple of 8. Each
  ;; loop turn computes two vectors side by side (suffixes a and b): two independent chains of
  ;; dependent multiplies and adds keep the CPU busy while one waits (1.6 times faster than one).
  (func (export "sigmoid32") (param $x i32) (param $y i32) (param $n i32)
    (local $end i32)
    (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128)
    (local $va v128) (local $ja v128) (local $ka v128) (local $ra v128) (local $pa v128)
    (local $vb v128) (local $jb v128) (local $kb v128) (local $rb v128) (local $pb v128)
    (local.set $c1 (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1))
    (local.set $c2 (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1))
    (local.set $c3 (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2))
    (local.set $c4 (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3))
    (local.set $c5 (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $turn
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        ;; v = −x, clamped
        (local.set $va (f32x4.pmax (f32x4.pmin (f32x4.neg (v128.load (local.get $x)))
          (v128.const f32x4 88.72 88.72 88.72 88.72)) (v128.const f32x4 -87.33 -87.33 -87.33 -87.33)))
        (local.set $vb (f32x4.pmax (f32x4.pmin (f32x4.neg (v128.load offset=16 (local.get $x)))
          (v128.const f32x4 88.72 88.72 88.72 88.72)) (v128.const f32x4 -87.33 -87.33 -87.33 -87.33)))
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
        ;; · 2^k: the bits of j + 127, shifted into the exponent field (j's high bits fall off); k = 128
        ;; (v above 88.38) gives the pattern of +∞
        (local.set $pa (f32x4.mul (local.get $pa)
          (i32x4.shl (i32x4.add (local.get $ja) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
        (local.set $pb (f32x4.mul (local.get $pb)
          (i32x4.shl (i32x4.add (local.get $jb) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
        ;; y = 1 / (1 + e^v)
        (v128.store (local.get $y)
          (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pa))))
        (v128.store offset=16 (local.get $y)
          (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $pb))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $turn)))))
