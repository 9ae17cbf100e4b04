package capture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"authdesk/scanner"
)

// Clipboard returns the QR payloads in the image on the system clipboard
// (a screenshot copied with PrtScn, or "Copy image" in a browser).
//
// It reads the image with golang.design/x/clipboard where that library is
// built in (cgo on Linux and macOS; Windows), and otherwise, or when the
// library finds no PNG, with wl-paste on Wayland or xclip on X11, which
// also offer other image types. ErrClipboardNoImage when no image is there.
func Clipboard() ([]string, error) {
	b, err := clipboardImage(os.Getenv, libClipboardImage)
	if err != nil {
		return nil, err
	}
	out, err := scanner.Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("clipboard image: %w", err)
	}
	return out, nil
}

// clipboardImage returns the encoded image on the clipboard, asking lib
// (the clipboard library) first and the command-line tools after.
func clipboardImage(getenv func(string) string, lib func() ([]byte, error)) ([]byte, error) {
	var reasons []string
	wayland := isWayland(getenv)
	if !wayland || getenv("DISPLAY") != "" {
		b, err := lib()
		if err == nil && len(b) > 0 {
			return b, nil
		}
		if err != nil {
			reasons = append(reasons, err.Error())
		}
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return nil, clipboardErr(reasons)
	}
	tools := []struct {
		env          string
		name         string
		list, getArg []string
	}{
		{"WAYLAND_DISPLAY", "wl-paste", []string{"--list-types"}, []string{"--no-newline", "--type"}},
		{"DISPLAY", "xclip", []string{"-selection", "clipboard", "-t", "TARGETS", "-o"}, []string{"-selection", "clipboard", "-o", "-t"}},
	}
	for _, t := range tools {
		if getenv(t.env) == "" {
			continue
		}
		path, err := exec.LookPath(t.name)
		if err != nil {
			reasons = append(reasons, t.name+" is not installed")
			continue
		}
		types, err := runTool(path, t.list...)
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("%s: %v", t.name, err))
			continue
		}
		mime := pickImageType(string(types))
		if mime == "" {
			continue
		}
		b, err := runTool(path, append(t.getArg, mime)...)
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("%s: %v", t.name, err))
			continue
		}
		if len(b) > 0 {
			return b, nil
		}
	}
	return nil, clipboardErr(reasons)
}

func clipboardErr(reasons []string) error {
	if len(reasons) == 0 {
		return ErrClipboardNoImage
	}
	return fmt.Errorf("%w (%s)", ErrClipboardNoImage, strings.Join(reasons, "; "))
}

// pickImageType chooses the best image type a clipboard offers, PNG first.
func pickImageType(list string) string {
	types := strings.Fields(list)
	for _, want := range []string{"image/png", "image/bmp", "image/jpeg", "image/gif", "image/webp", "image/tiff"} {
		for _, t := range types {
			if t == want {
				return t
			}
		}
	}
	return ""
}

// runTool runs a clipboard tool with a timeout and a cap on its output.
func runTool(path string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	var out limitedBuffer
	out.limit = scanner.MaxFileSize
	var stderr bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, errors.New("timed out")
		}
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%v: %s", err, firstLine(msg))
		}
		return nil, err
	}
	if out.over {
		return nil, fmt.Errorf("%w: clipboard holds over %d bytes", scanner.ErrImageTooLarge, scanner.MaxFileSize)
	}
	return out.Bytes(), nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// limitedBuffer keeps at most limit bytes and notes when more came.
type limitedBuffer struct {
	bytes.Buffer
	limit int
	over  bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		b.over = true
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
