/*
 * fed_runtime: a C99 INT8 inference runtime for microcontrollers.
 *
 * The arithmetic is TensorFlow Lite Micro's int8 scheme with CMSIS-NN's requantization
 * (arm_nn_requantize, double rounding), the same as Federated.Edge's QuantizedModel contract:
 *   weights  int8, symmetric per output channel (zero point 0, q in [-127, 127])
 *   acts     int8, asymmetric per tensor (scale, zero point)
 *   bias     int32, scale inputScale * weightScale[c]
 *   out[c] = clamp(requantize(bias[c] + sum((x - inZp) * w), mult[c], shift[c]) + outZp, act_min, act_max)
 * No malloc and no floating point at inference: every tensor lives in the caller's arena
 * (size FED_..._ARENA_SIZE from the generated model_data.h) or in the caller's input/output buffers.
 *
 * Tensors are laid out channel-major (CHW), as PyTorch's NCHW without the batch axis, so a
 * flatten before a fully connected layer is free and weights keep PyTorch's layout.
 */
#ifndef FED_RUNTIME_H
#define FED_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FED_RUNTIME_VERSION 1

/* Layer kinds in a model's layer table. */
typedef enum fed_op {
    FED_OP_FULLY_CONNECTED = 1,
    FED_OP_CONV2D = 2,
    FED_OP_DEPTHWISE_CONV2D = 3,
    FED_OP_MAX_POOL = 4,
    FED_OP_AVG_POOL = 5,
    FED_OP_CLAMP = 6,   /* ReLU (act_min = zero point) and ReLU6 (act_max = q(6)) */
    FED_OP_ADD = 7,
    FED_OP_RESHAPE = 8, /* flatten/reshape: a copy when input and output differ, nothing otherwise */
    FED_OP_SOFTMAX = 9
} fed_op;

/* Where a layer's tensor lives: an offset into the arena (>= 0) or one of these. */
#define FED_TENSOR_INPUT (-1)
#define FED_TENSOR_OUTPUT (-2)

/* Status codes. */
#define FED_OK 0
#define FED_ERR_ARGUMENT (-1)
#define FED_ERR_VERSION (-2)
#define FED_ERR_OP (-3)

/*
 * One row of the layer table (generated data, interpreted by fed_model_run). Fields a kind
 * does not use are zero. Shapes are CHW; a fully connected layer uses in_c/out_c as its
 * feature counts with h = w = 1.
 */
typedef struct fed_layer {
    int32_t op;
    int32_t input;   /* arena offset or FED_TENSOR_INPUT */
    int32_t input2;  /* second operand of FED_OP_ADD */
    int32_t output;  /* arena offset or FED_TENSOR_OUTPUT */
    int32_t in_c, in_h, in_w;
    int32_t out_c, out_h, out_w;
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
    int32_t depth_multiplier;
    int32_t input_zp, input2_zp, output_zp;
    int32_t act_min, act_max;
    /* FED_OP_ADD: TFLite's scheme, both inputs left-shifted then rescaled, then the sum rescaled. */
    int32_t left_shift;
    int32_t input_mult, input_shift, input2_mult, input2_shift, output_mult, output_shift;
    /* Conv/FC: weights [out][in][kh][kw] (depthwise: [out][kh][kw]), and per output channel
     * the bias with the input zero point folded in (bias - inZp * sum(w)), multiplier and shift. */
    const int8_t *weights;
    const int32_t *bias;
    const int32_t *multipliers;
    const int32_t *shifts;
    /* FED_OP_SOFTMAX: exp(-d * scale) for d = 0..255 in Q16 (fed_softmax_s8). */
    const uint32_t *exp_lut;
    /* The contract's bias without the zero-point fold; only in data generated for the reference
     * loops (reference/fed_reference.c, a benchmark baseline), NULL otherwise. */
    const int32_t *raw_bias;
} fed_layer;

typedef struct fed_model {
    int32_t version;     /* FED_RUNTIME_VERSION the data was generated for */
    int32_t layer_count;
    const fed_layer *layers;
    int32_t input_size;  /* int8 values the caller passes */
    int32_t output_size; /* int8 values the caller receives */
    int32_t arena_size;  /* bytes the caller's arena must hold */
} fed_model;

/*
 * Runs the model: input (input_size int8) -> output (output_size int8), using arena
 * (arena_size bytes, any alignment) for every intermediate tensor. Returns FED_OK or an error code.
 * Reentrant: all state is in the arguments.
 */
int fed_model_run(const fed_model *model, const int8_t *input, int8_t *output, uint8_t *arena);

/* Runs the model and returns the index of the largest output (the class), or a negative error code. */
int fed_model_classify(const fed_model *model, const int8_t *input, int8_t *output, uint8_t *arena);

/* Index of the largest of n values, the first one on ties (as numpy/torch argmax). */
int fed_argmax_s8(const int8_t *values, int32_t n);

/* ---- Kernels (also callable on their own). All take CHW tensors. ---- */

/* The contract's requantization: value * multiplier * 2^(shift - 31), CMSIS-NN double rounding. */
int32_t fed_requantize(int32_t value, int32_t multiplier, int32_t shift);

void fed_fully_connected_s8(const fed_layer *l, const int8_t *in, int8_t *out);
void fed_conv2d_s8(const fed_layer *l, const int8_t *in, int8_t *out);
void fed_depthwise_conv2d_s8(const fed_layer *l, const int8_t *in, int8_t *out);
void fed_max_pool_s8(const fed_layer *l, const int8_t *in, int8_t *out);
void fed_avg_pool_s8(const fed_layer *l, const int8_t *in, int8_t *out);
void fed_clamp_s8(const int8_t *in, int8_t *out, int32_t n, int32_t act_min, int32_t act_max);
void fed_add_s8(const fed_layer *l, const int8_t *in1, const int8_t *in2, int8_t *out, int32_t n);
/* out (scale 1/256, zero point -128) = softmax over n inputs, with exp_lut as in fed_layer. */
void fed_softmax_s8(const int8_t *in, int8_t *out, int32_t n, const uint32_t *exp_lut);

#ifdef __cplusplus
}
#endif

#endif /* FED_RUNTIME_H */
