//go:build ignore

// gen_icon draws Authdesk's icon, a white padlock on a blue shield, with 4×4
// supersampling: go run gen_icon.go OUT.png SIZE
//
// Run by go generate in package assets.
package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strconv"
)

func hypot(x, y float64) float64 { return math.Hypot(x, y) }

func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Min(math.Max(x, x0+r), x1-r)
	cy := math.Min(math.Max(y, y0+r), y1-r)
	return hypot(x-cx, y-cy) <= r
}

func inShield(x, y float64) bool {
	const half, top, mid, tip = 0.37, 0.07, 0.50, 0.95
	if y < top || y > tip {
		return false
	}
	if y <= mid {
		// top corners rounded; the top edge dips gently in the middle
		dip := 0.025 * math.Cos((x-0.5)/half*math.Pi/2)
		if y < top+dip*0 {
			return false
		}
		return inRoundRect(x, y, 0.5-half, top, 0.5+half, mid+0.2, 0.09)
	}
	a := ((tip-mid)*(tip-mid) - half*half) / (2 * half)
	r := half + a
	if x <= 0.5 {
		return hypot(x-(0.5+a), y-mid) <= r
	}
	return hypot(x-(0.5-a), y-mid) <= r
}

func inLock(x, y float64) bool {
	if inRoundRect(x, y, 0.325, 0.445, 0.675, 0.725, 0.045) {
		return true
	}
	d := hypot(x-0.5, y-0.40)
	if y <= 0.40 && d <= 0.125 && d >= 0.075 {
		return true
	}
	if y > 0.40 && y < 0.46 && ((x >= 0.375 && x <= 0.425) || (x >= 0.575 && x <= 0.625)) {
		return true
	}
	return false
}

func inKeyhole(x, y float64) bool {
	return hypot(x-0.5, y-0.56) <= 0.038 || (x >= 0.484 && x <= 0.516 && y >= 0.56 && y <= 0.655)
}

func main() {
	n, _ := strconv.Atoi(os.Args[2])
	const ss = 4
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	c0 := [3]float64{0x5c, 0x7c, 0xfa}
	c1 := [3]float64{0x2f, 0x44, 0xb8}
	for py := 0; py < n; py++ {
		for px := 0; px < n; px++ {
			var sr, sg, sb, sa float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) / float64(n)
					y := (float64(py) + (float64(sy)+0.5)/ss) / float64(n)
					if !inShield(x, y) {
						continue
					}
					t := math.Min(math.Max((x*0.4+y)/1.3, 0), 1)
					r := c0[0] + (c1[0]-c0[0])*t
					g := c0[1] + (c1[1]-c0[1])*t
					b := c0[2] + (c1[2]-c0[2])*t
					if inLock(x, y) && !inKeyhole(x, y) {
						r, g, b = 255, 255, 255
					}
					sr += r
					sg += g
					sb += b
					sa++
				}
			}
			if sa == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{uint8(sr / sa), uint8(sg / sa), uint8(sb / sa), uint8(sa * 255 / (ss * ss))})
		}
	}
	f, _ := os.Create(os.Args[1])
	png.Encode(f, img)
	f.Close()
}
