// Package codec holds what the binary forms of the sketches and of a
// window share: a [Decoder] that reads bytes, varints and counts with
// bounds checks and errors that say what and where.
//
// Encoding needs no helper: encoding/binary's AppendUvarint and
// AppendVarint make the minimal forms that Decoder accepts.
//
// # Concurrency
//
// A Decoder is not safe for concurrent use; each Decode call owns one.
//
// # Usage
//
// A package's decoder embeds a Decoder, reads a group of fields and checks
// [Decoder.Err] once after them: the first failure sticks and later reads
// return zero values.
//
//	type decoder struct{ codec.Decoder }
//
//	func Decode(data []byte) (*T, []byte, error) {
//		var d decoder
//		d.Reset("topk", data)
//		n := d.Count("counters", 3)
//		...
//		if err := d.Err(); err != nil {
//			return nil, nil, err
//		}
//		return t, d.Rest(), nil
//	}
package codec
