-- Upload a local image, edit it with an image-to-image model, and save the result.
-- Run: falua --local examples/upload_and_edit.lua
local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir))

-- A picture to start from: made by the text-to-image model and saved locally.
local original = fal.run("fal-ai/flux/schnell", { prompt = "a red fox", image_size = { width = 320, height = 240 } })
local photo = fal.download(original.images[1].url, dir .. "/fox.png")

-- Upload it explicitly (the URL can be reused, and kept for a day only)...
local url = fal.upload_file(photo, { lifecycle = { expires_in = "1d" } })
print("uploaded " .. url)

-- ...or let the call upload it: fal.file markers are replaced by URLs before the request is sent.
local edited = fal.subscribe("fal-ai/flux/dev/image-to-image", {
  prompt = "the same fox in winter",
  image_url = fal.file(photo),
  strength = 0.8,
})
local image = edited.images[1]
local saved = fal.download_all(edited, dir)
print(("edited %dx%d -> %s"):format(image.width, image.height, saved[1]))

os.execute("rm -rf " .. dir)
