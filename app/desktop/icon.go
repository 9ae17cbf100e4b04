package desktop

import (
	"authdesk/assets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Icon is Authdesk's application icon.
var Icon = fyne.NewStaticResource("icon-128.png", assets.Icon128PNG)

var lockIcon = theme.NewThemedResource(fyne.NewStaticResource("lock.svg", assets.LockSVG))

// starIcon marks the favourite accounts' rows (not themed: it is gold).
var starIcon = fyne.NewStaticResource("star.svg", assets.StarSVG)
