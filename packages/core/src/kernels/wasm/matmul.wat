;; Blocked matrix product with WebAssembly SIMD: C = op(A)·op(B) in float32 (f32x4) and float64
;; (f64x2). scripts/build-wasm.mjs compiles this into matmul-wasm.generated.ts, together with a
;; relaxed-SIMD twin in which each (fNxM.add (local.get $cRC) (fNxM.mul X Y)) of the micro-kernels
;; becomes one fused (fNxM.relaxed_madd X Y (local.get $cRC)); matmul-wasm.ts copies the operands
;; into this module's memory, calls gemm32/gemm64 and copies C out.
;;
;; The loops follow GotoBLAS/BLIS: for each kc-deep slab of op(B), packed into panels nr columns
;; wide, and each mc-row block of op(A), packed into panels 4 rows tall, a micro-kernel holds a
;; 4×nr tile of C in 8 vector registers while it walks k (nr = 8 floats or 4 doubles). Packing
;; reads any strides, so a transposed operand costs nothing extra. Addresses are in bytes,
;; strides in elements.
(module
  (memory (export "memory") 1)

  ;; C[4×8] = Ap·Bp, or C += Ap·Bp when $acc: Ap is kc×4 and Bp kc×8 float32, both row-major.
  ;; Row i of C starts at $c + i·$ldc bytes. Why 4×8: V8 (x64) has 15 vector registers and issues
  ;; a basic block's loads before its arithmetic, so 8 sums + 6 loaded values + 1 product fill
  ;; them exactly (a 6×8 or 3×12 tile spills a sum, measured). The loop body takes two steps of k
  ;; with the exit test for odd kc between them: that branch splits it into two blocks, so the
  ;; second step's loads do not spill, and the loop's own cost (a stack check, the counters) is
  ;; paid once per two steps: 1.2 times faster than one step (measured: Node 20, Zen 3).
  (func $tile32 (param $a i32) (param $b i32) (param $c i32) (param $ldc i32) (param $kc i32)
    (param $acc i32)
    (local $end i32) (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 4))))
    (block $done
      (loop $k
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=4 (local.get $a)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=8 (local.get $a)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=12 (local.get $a)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=4 (local.get $a)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=8 (local.get $a)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=12 (local.get $a)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br_if $k (i32.lt_u (local.get $a) (local.get $end)))))
    (if (local.get $acc)
      (then
        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $c))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $c))))
        (local.set $c10 (f32x4.add (local.get $c10)
          (v128.load (i32.add (local.get $c) (local.get $ldc)))))
        (local.set $c11 (f32x4.add (local.get $c11)
          (v128.load offset=16 (i32.add (local.get $c) (local.get $ldc)))))
        (local.set $c20 (f32x4.add (local.get $c20)
          (v128.load (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))))))
        (local.set $c21 (f32x4.add (local.get $c21)
          (v128.load offset=16 (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))))))
        (local.set $c30 (f32x4.add (local.get $c30)
          (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))))))
        (local.set $c31 (f32x4.add (local.get $c31)
          (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; The float64 twin: C[4×4] (+)= Ap·Bp with Ap kc×4 and Bp kc×4 doubles, two steps of k a turn
  ;; likewise (1.2 times faster than one).
  (func $tile64 (param $a i32) (param $b i32) (param $c i32) (param $ldc i32) (param $kc i32)
    (param $acc i32)
    (local $end i32) (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 5))))
    (block $done
      (loop $k
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load64_splat (local.get $a)))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=8 (local.get $a)))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=16 (local.get $a)))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=24 (local.get $a)))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load64_splat (local.get $a)))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=8 (local.get $a)))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=16 (local.get $a)))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=24 (local.get $a)))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br_if $k (i32.lt_u (local.get $a) (local.get $end)))))
    (if (local.get $acc)
      (then
        (local.set $c00 (f64x2.add (local.get $c00) (v128.load (local.get $c))))
        (local.set $c01 (f64x2.add (local.get $c01) (v128.load offset=16 (local.get $c))))
        (local.set $c10 (f64x2.add (local.get $c10)
          (v128.load (i32.add (local.get $c) (local.get $ldc)))))
        (local.set $c11 (f64x2.add (local.get $c11)
          (v128.load offset=16 (i32.add (local.get $c) (local.get $ldc)))))
        (local.set $c20 (f64x2.add (local.get $c20)
          (v128.load (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))))))
        (local.set $c21 (f64x2.add (local.get $c21)
          (v128.load offset=16 (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))))))
        (local.set $c30 (f64x2.add (local.get $c30)
          (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))))))
        (local.set $c31 (f64x2.add (local.get $c31)
          (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; Packs a rows×cols block, element (r, q) at $src + (r·$rs + q·$cs) elements of 2^$s bytes, into
  ;; panels of $w rows: panel t holds, for q = 0, 1, …, the $w elements (t·$w + i, q), zero past
  ;; the last row. Both operands use it: A's panels run along its rows, B's along its columns.
  ;; A full panel is copied 16 bytes at a time when its $w elements are adjacent, and transposed
  ;; in 4×4 (float32) or 2×2 (float64) blocks when a row's elements are.
  (func $pack (param $src i32) (param $rs i32) (param $cs i32) (param $rows i32) (param $cols i32)
    (param $w i32) (param $dst i32) (param $s i32)
    (local $r0 i32) (local $h i32) (local $q i32) (local $p i32) (local $wb i32) (local $size i32)
    (local.set $size (i32.shl (i32.const 1) (local.get $s)))
    (local.set $rs (i32.shl (local.get $rs) (local.get $s)))
    (local.set $cs (i32.shl (local.get $cs) (local.get $s)))
    (local.set $wb (i32.shl (local.get $w) (local.get $s)))
    (block $done
      (loop $panel
        (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $h (i32.sub (local.get $rows) (local.get $r0)))
        (if (i32.gt_u (local.get $h) (local.get $w)) (then (local.set $h (local.get $w))))
        (local.set $p (i32.add (local.get $src) (i32.mul (local.get $r0) (local.get $rs))))
        (local.set $q (i32.const 0))
        (if (i32.eq (local.get $h) (local.get $w))
          (then
            (if (i32.eq (local.get $rs) (local.get $size))
              (then
                (call $copyPanel (local.get $p) (local.get $cs) (local.get $cols) (local.get $wb)
                  (local.get $dst))
                (local.set $q (local.get $cols)))
              (else
                (if (i32.eq (local.get $cs) (local.get $size))
                  (then
                    (if (i32.eq (local.get $s) (i32.const 2))
                      (then
                        (local.set $q (i32.and (local.get $cols) (i32.const -4)))
                        (if (local.get $q)
                          (then (call $transposePanel32 (local.get $p) (local.get $rs)
                            (local.get $q) (local.get $w) (local.get $dst)))))
                      (else
                        (local.set $q (i32.and (local.get $cols) (i32.const -2)))
                        (if (local.get $q)
                          (then (call $transposePanel64 (local.get $p) (local.get $rs)
                            (local.get $q) (local.get $w) (local.get $dst))))))))))))
        (if (i32.lt_u (local.get $q) (local.get $cols))
          (then
            (call $gatherPanel
              (i32.add (local.get $p) (i32.mul (local.get $q) (local.get $cs)))
              (local.get $rs) (local.get $cs) (local.get $h) (i32.sub (local.get $cols) (local.get $q))
              (local.get $w) (i32.add (local.get $dst) (i32.mul (local.get $q) (local.get $wb)))
              (local.get $s))))
        (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $cols) (local.get $wb))))
        (local.set $r0 (i32.add (local.get $r0) (local.get $w)))
        (br $panel))))

  ;; One panel whose $wb bytes per column (16 or 32) are adjacent in the source: one or two
  ;; 16-byte copies per column, with no inner loop.
  (func $copyPanel (param $p i32) (param $cs i32) (param $cols i32) (param $wb i32) (param $dst i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.mul (local.get $cols) (local.get $wb))))
    (if (i32.eq (local.get $wb) (i32.const 32))
      (then
        (loop $col
          (v128.store (local.get $dst) (v128.load (local.get $p)))
          (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $cs)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (br_if $col (i32.lt_u (local.get $dst) (local.get $end)))))
      (else
        (loop $col
          (v128.store (local.get $dst) (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $cs)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $dst) (local.get $end)))))))

  ;; One float32 panel of $w rows (a multiple of 4) $rs bytes apart, each row's elements adjacent:
  ;; its first $cols columns (a positive multiple of 4), in 4×4 blocks turned by shuffles.
  (func $transposePanel32 (param $p i32) (param $rs i32) (param $cols i32) (param $w i32)
    (param $dst i32)
    (local $q i32) (local $g i32) (local $from i32) (local $to i32) (local $wb i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (loop $col
      (local.set $g (i32.const 0))
      (loop $group
        (local.set $from (i32.add (i32.add (local.get $p) (i32.shl (local.get $q) (i32.const 2)))
          (i32.mul (local.get $g) (local.get $rs))))
        (local.set $r0 (v128.load (local.get $from)))
        (local.set $r1 (v128.load (i32.add (local.get $from) (local.get $rs))))
        (local.set $r2 (v128.load (i32.add (local.get $from) (i32.shl (local.get $rs) (i32.const 1)))))
        (local.set $r3 (v128.load (i32.add (local.get $from) (i32.mul (local.get $rs) (i32.const 3)))))
        ;; t0 = r0[0] r1[0] r0[1] r1[1], t1 = r2[0] r3[0] r2[1] r3[1], t2, t3 the same for [2], [3]
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          (local.get $r0) (local.get $r1)))
        (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          (local.get $r2) (local.get $r3)))
        (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          (local.get $r0) (local.get $r1)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          (local.get $r2) (local.get $r3)))
        (local.set $to (i32.add (i32.add (local.get $dst) (i32.mul (local.get $q) (local.get $wb)))
          (i32.shl (local.get $g) (i32.const 2))))
        (v128.store (local.get $to) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (local.get $t0) (local.get $t1)))
        (local.set $to (i32.add (local.get $to) (local.get $wb)))
        (v128.store (local.get $to) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
          (local.get $t0) (local.get $t1)))
        (local.set $to (i32.add (local.get $to) (local.get $wb)))
        (v128.store (local.get $to) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (local.get $t2) (local.get $t3)))
        (local.set $to (i32.add (local.get $to) (local.get $wb)))
        (v128.store (local.get $to) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
          (local.get $t2) (local.get $t3)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br_if $group (i32.lt_u (local.get $g) (local.get $w))))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br_if $col (i32.lt_u (local.get $q) (local.get $cols)))))

  ;; The float64 twin: 2×2 blocks, $cols a positive multiple of 2.
  (func $transposePanel64 (param $p i32) (param $rs i32) (param $cols i32) (param $w i32)
    (param $dst i32)
    (local $q i32) (local $g i32) (local $from i32) (local $to i32) (local $wb i32)
    (local $r0 v128) (local $r1 v128)
    (local.set $wb (i32.shl (local.get $w) (i32.const 3)))
    (loop $col
      (local.set $g (i32.const 0))
      (loop $group
        (local.set $from (i32.add (i32.add (local.get $p) (i32.shl (local.get $q) (i32.const 3)))
          (i32.mul (local.get $g) (local.get $rs))))
        (local.set $r0 (v128.load (local.get $from)))
        (local.set $r1 (v128.load (i32.add (local.get $from) (local.get $rs))))
        (local.set $to (i32.add (i32.add (local.get $dst) (i32.mul (local.get $q) (local.get $wb)))
          (i32.shl (local.get $g) (i32.const 3))))
        (v128.store (local.get $to) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (local.get $r0) (local.get $r1)))
        (v128.store (i32.add (local.get $to) (local.get $wb))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
            (local.get $r0) (local.get $r1)))
        (local.set $g (i32.add (local.get $g) (i32.const 2)))
        (br_if $group (i32.lt_u (local.get $g) (local.get $w))))
      (local.set $q (i32.add (local.get $q) (i32.const 2)))
      (br_if $col (i32.lt_u (local.get $q) (local.get $cols)))))

  ;; Any panel, element by element: $h of its $w rows are real, the rest zeros; $cols positive.
  ;; Rows past $h are not read: they may lie past the end of the operand, and of memory.
  (func $gatherPanel (param $p i32) (param $rs i32) (param $cs i32) (param $h i32) (param $cols i32)
    (param $w i32) (param $dst i32) (param $s i32)
    (local $q i32) (local $i i32) (local $stop i32)
    (loop $col
      (local.set $i (i32.const 0))
      (loop $row
        (if (i32.eq (local.get $s) (i32.const 2))
          (then (i32.store (local.get $dst)
            (i32.load (i32.add (local.get $p) (i32.mul (local.get $i) (local.get $rs))))))
          (else (i64.store (local.get $dst)
            (i64.load (i32.add (local.get $p) (i32.mul (local.get $i) (local.get $rs)))))))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (i32.const 1) (local.get $s))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $row (i32.lt_u (local.get $i) (local.get $h))))
      (local.set $stop (i32.add (local.get $dst)
        (i32.shl (i32.sub (local.get $w) (local.get $h)) (local.get $s))))
      (block $zeroed
        (loop $zero
          (br_if $zeroed (i32.ge_u (local.get $dst) (local.get $stop)))
          (i32.store (local.get $dst) (i32.const 0))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (br $zero)))
      (local.set $p (i32.add (local.get $p) (local.get $cs)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $col (i32.lt_u (local.get $q) (local.get $cols)))))

  ;; Copies (or adds, when $acc) the top-left rows×cols of a tile whose rows are $tb bytes apart
  ;; into C, whose rows are $ldc bytes apart: the ragged right and bottom edges of C.
  (func $edge (param $tile i32) (param $tb i32) (param $c i32) (param $ldc i32) (param $rows i32)
    (param $cols i32) (param $acc i32) (param $s i32)
    (local $i i32) (local $j i32) (local $from i32) (local $to i32)
    (loop $row
      (local.set $j (i32.const 0))
      (loop $col
        (local.set $from (i32.add (local.get $tile) (i32.shl (local.get $j) (local.get $s))))
        (local.set $to (i32.add (local.get $c) (i32.shl (local.get $j) (local.get $s))))
        (if (i32.eq (local.get $s) (i32.const 2))
          (then
            (f32.store (local.get $to)
              (f32.add (f32.load (local.get $from))
                (select (f32.load (local.get $to)) (f32.const 0) (local.get $acc)))))
          (else
            (f64.store (local.get $to)
              (f64.add (f64.load (local.get $from))
                (select (f64.load (local.get $to)) (f64.const 0) (local.get $acc))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $col (i32.lt_u (local.get $j) (local.get $cols))))
      (local.set $tile (i32.add (local.get $tile) (local.get $tb)))
      (local.set $c (i32.add (local.get $c) (local.get $ldc)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $i) (local.get $rows)))))

  ;; C (m×n, row-major, at $c) = op(A)·op(B), where element (i, p) of op(A) is at
  ;; $a + i·$ai + p·$ap and element (p, j) of op(B) at $b + p·$bp + j·$bj (in elements of 2^$s
  ;; bytes). $work holds a 4×nr tile, the packed mc×kc block of A and the packed kc×nc slab of B;
  ;; mc must be a multiple of 4 and nc of nr. m, k and n must be positive.
  (func $gemm (param $s i32) (param $a i32) (param $ai i32) (param $ap i32) (param $b i32)
    (param $bp i32) (param $bj i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $work i32) (param $mc i32) (param $kc i32) (param $nc i32)
    (local $nr i32) (local $ldc i32) (local $tile i32) (local $packA i32) (local $packB i32)
    (local $jc i32) (local $pc i32) (local $ic i32) (local $jr i32) (local $ir i32)
    (local $nCur i32) (local $kCur i32) (local $mCur i32) (local $acc i32)
    (local $pa i32) (local $pb i32) (local $pcOut i32)
    (local.set $nr (select (i32.const 8) (i32.const 4) (i32.eq (local.get $s) (i32.const 2))))
    (local.set $ldc (i32.shl (local.get $n) (local.get $s)))
    (local.set $tile (local.get $work))
    (local.set $packA (i32.add (local.get $work) (i32.const 128)))
    (local.set $packB (i32.add (local.get $packA)
      (i32.shl (i32.mul (local.get $mc) (local.get $kc)) (local.get $s))))
    (loop $jcLoop
      (local.set $nCur (i32.sub (local.get $n) (local.get $jc)))
      (if (i32.gt_u (local.get $nCur) (local.get $nc)) (then (local.set $nCur (local.get $nc))))
      (local.set $pc (i32.const 0))
      (loop $pcLoop
        (local.set $kCur (i32.sub (local.get $k) (local.get $pc)))
        (if (i32.gt_u (local.get $kCur) (local.get $kc)) (then (local.set $kCur (local.get $kc))))
        (local.set $acc (i32.ne (local.get $pc) (i32.const 0)))
        ;; op(B)[pc.., jc..] as panels of nr columns: its "rows" are B's columns
        (call $pack
          (i32.add (local.get $b) (i32.shl
            (i32.add (i32.mul (local.get $pc) (local.get $bp)) (i32.mul (local.get $jc) (local.get $bj)))
            (local.get $s)))
          (local.get $bj) (local.get $bp) (local.get $nCur) (local.get $kCur) (local.get $nr)
          (local.get $packB) (local.get $s))
        (local.set $ic (i32.const 0))
        (loop $icLoop
          (local.set $mCur (i32.sub (local.get $m) (local.get $ic)))
          (if (i32.gt_u (local.get $mCur) (local.get $mc)) (then (local.set $mCur (local.get $mc))))
          (call $pack
            (i32.add (local.get $a) (i32.shl
              (i32.add (i32.mul (local.get $ic) (local.get $ai)) (i32.mul (local.get $pc) (local.get $ap)))
              (local.get $s)))
            (local.get $ai) (local.get $ap) (local.get $mCur) (local.get $kCur) (i32.const 4)
            (local.get $packA) (local.get $s))
          (local.set $jr (i32.const 0))
          (loop $jrLoop
            (local.set $pb (i32.add (local.get $packB)
              (i32.shl (i32.mul (local.get $jr) (local.get $kCur)) (local.get $s))))
            (local.set $ir (i32.const 0))
            (loop $irLoop
              (local.set $pa (i32.add (local.get $packA)
                (i32.shl (i32.mul (local.get $ir) (local.get $kCur)) (local.get $s))))
              (local.set $pcOut (i32.add (local.get $c) (i32.shl
                (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $n))
                  (i32.add (local.get $jc) (local.get $jr)))
                (local.get $s))))
              (if (i32.and
                    (i32.ge_u (i32.sub (local.get $mCur) (local.get $ir)) (i32.const 4))
                    (i32.ge_u (i32.sub (local.get $nCur) (local.get $jr)) (local.get $nr)))
                (then
                  (if (i32.eq (local.get $s) (i32.const 2))
                    (then (call $tile32 (local.get $pa) (local.get $pb) (local.get $pcOut)
                      (local.get $ldc) (local.get $kCur) (local.get $acc)))
                    (else (call $tile64 (local.get $pa) (local.get $pb) (local.get $pcOut)
                      (local.get $ldc) (local.get $kCur) (local.get $acc)))))
                (else
                  ;; a ragged edge: compute the whole tile aside, then keep the part inside C
                  (if (i32.eq (local.get $s) (i32.const 2))
                    (then (call $tile32 (local.get $pa) (local.get $pb) (local.get $tile)
                      (i32.const 32) (local.get $kCur) (i32.const 0)))
                    (else (call $tile64 (local.get $pa) (local.get $pb) (local.get $tile)
                      (i32.const 32) (local.get $kCur) (i32.const 0))))
                  (call $edge (local.get $tile) (i32.const 32) (local.get $pcOut) (local.get $ldc)
                    (select (i32.sub (local.get $mCur) (local.get $ir)) (i32.const 4)
                      (i32.lt_u (i32.sub (local.get $mCur) (local.get $ir)) (i32.const 4)))
                    (select (i32.sub (local.get $nCur) (local.get $jr)) (local.get $nr)
                      (i32.lt_u (i32.sub (local.get $nCur) (local.get $jr)) (local.get $nr)))
                    (local.get $acc) (local.get $s))))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br_if $irLoop (i32.lt_u (local.get $ir) (local.get $mCur))))
            (local.set $jr (i32.add (local.get $jr) (local.get $nr)))
            (br_if $jrLoop (i32.lt_u (local.get $jr) (local.get $nCur))))
          (local.set $ic (i32.add (local.get $ic) (local.get $mc)))
          (br_if $icLoop (i32.lt_u (local.get $ic) (local.get $m))))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br_if $pcLoop (i32.lt_u (local.get $pc) (local.get $k))))
      (local.set $jc (i32.add (local.get $jc) (local.get $nc)))
      (br_if $jcLoop (i32.lt_u (local.get $jc) (local.get $n)))))

  (func (export "gemm32") (param $a i32) (param $ai i32) (param $ap i32) (param $b i32)
    (param $bp i32) (param $bj i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $work i32) (param $mc i32) (param $kc i32) (param $nc i32)
    (call $gemm (i32.const 2) (local.get $a) (local.get $ai) (local.get $ap) (local.get $b)
      (local.get $bp) (local.get $bj) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (local.get $work) (local.get $mc) (local.get $kc) (local.get $nc)))

  (func (export "gemm64") (param $a i32) (param $ai i32) (param $ap i32) (param $b i32)
    (param $bp i32) (param $bj i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $work i32) (param $mc i32) (param $kc i32) (param $nc i32)
    (call $gemm (i32.const 3) (local.get $a) (local.get $ai) (local.get $ap) (local.get $b)
      (local.get $bp) (local.get $bj) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (local.get $work) (local.get $mc) (local.get $kc) (local.get $nc)))

  ;; C[i][j] += bias[j] for every row i < m of an m×n row-major C: the bias of x·W + b (linear),
  ;; added before C is copied out. Additions in the dtype, so the same bits as the JavaScript loop
  ;; (float32: a sum of two floats rounded once from float64 is the correctly rounded float32 sum).
  (func (export "addRows32") (param $c i32) (param $bias i32) (param $m i32) (param $n i32)
    (local $row i32) (local $end i32) (local $vecEnd i32) (local $j i32)
    (local.set $row (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $row) (i32.const -16)))
    (local.set $end (i32.add (local.get $c) (i32.mul (local.get $m) (local.get $row))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $j (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $j) (local.get $vecEnd)))
            (v128.store (i32.add (local.get $c) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $c) (local.get $j)))
                (v128.load (i32.add (local.get $bias) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vec)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $row)))
            (f32.store (i32.add (local.get $c) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $c) (local.get $j)))
                (f32.load (i32.add (local.get $bias) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $c (i32.add (local.get $c) (local.get $row)))
        (br $rows))))

  (func (export "addRows64") (param $c i32) (param $bias i32) (param $m i32) (param $n i32)
    (local $row i32) (local $end i32) (local $vecEnd i32) (local $j i32)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (local.set $vecEnd (i32.and (local.get $row) (i32.const -16)))
    (local.set $end (i32.add (local.get $c) (i32.mul (local.get $m) (local.get $row))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $j (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $j) (local.get $vecEnd)))
            (v128.store (i32.add (local.get $c) (local.get $j))
              (f64x2.add (v128.load (i32.add (local.get $c) (local.get $j)))
                (v128.load (i32.add (local.get $bias) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vec)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $row)))
            (f64.store (i32.add (local.get $c) (local.get $j))
              (f64.add (f64.load (i32.add (local.get $c) (local.get $j)))
                (f64.load (i32.add (local.get $bias) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $tail)))
        (local.set $c (i32.add (local.get $c) (local.get $row)))
        (br $rows)))))
