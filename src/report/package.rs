//! The zip container of `report.xlsx`, written by hand so that a sheet's XML can be deflated in
//! pieces on every core: each piece is a raw deflate stream ended by a sync flush (a byte-aligned,
//! non-final block), the last one by the final block, and the pieces laid end to end are one valid
//! stream — the way parallel gzip does it. The entries carry no data descriptor: the sizes and the
//! CRC are known before an entry is written.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Result};
use flate2::{Compress, Compression, FlushCompress, Status};

/// The deflate level of every entry: the fastest. The sheets are large and written on every run,
/// so time counts for more than the file's size.
const LEVEL: u32 = 1;

/// One deflated piece of an entry: its compressed bytes, and the CRC and length of what it holds.
pub struct Piece {
    pub deflated: Vec<u8>,
    pub crc: crc32fast::Hasher,
    pub len: u64,
}

impl Piece {
    /// `data` deflated; `last` ends the stream, else the piece ends with a sync flush so that
    /// another piece can follow it.
    pub fn new(data: &[u8], last: bool) -> Result<Piece> {
        let mut crc = crc32fast::Hasher::new();
        crc.update(data);
        Ok(Piece {
            deflated: deflate(data, last)?,
            crc,
            len: data.len() as u64,
        })
    }
}

fn deflate(data: &[u8], last: bool) -> Result<Vec<u8>> {
    let mut c = Compress::new(Compression::new(LEVEL), false);
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        let consumed = c.total_in() as usize;
        let status = c.compress_vec(&data[consumed..], &mut out, flush)?;
        let done = match status {
            Status::StreamEnd => true,
            _ => !last && c.total_in() as usize == data.len() && out.len() < out.capacity(),
        };
        if done {
            return Ok(out);
        }
        out.reserve(out.capacity().max(4096));
    }
}

struct Entry {
    name: String,
    crc: u32,
    compressed: u64,
    size: u64,
    offset: u64,
}

/// A zip file being written, entry after entry.
pub struct Package {
    file: BufWriter<File>,
    offset: u64,
    entries: Vec<Entry>,
}

/// 1980-01-01 00:00, the zip epoch: entries carry no real time, so the bytes depend only on the
/// content.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

impl Package {
    pub fn create(path: &Path) -> Result<Package> {
        let file = super::create(path)?;
        Ok(Package {
            file: BufWriter::with_capacity(1 << 20, file),
            offset: 0,
            entries: Vec::new(),
        })
    }

    /// A small entry, deflated here.
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<()> {
        self.add_pieces(name, &[Piece::new(data, true)?])
    }

    /// An entry made of `pieces` in order, the last one ending the deflate stream.
    pub fn add_pieces(&mut self, name: &str, pieces: &[Piece]) -> Result<()> {
        let mut crc = crc32fast::Hasher::new();
        let (mut compressed, mut size) = (0u64, 0u64);
        for p in pieces {
            crc.combine(&p.crc);
            compressed += p.deflated.len() as u64;
            size += p.len;
        }
        if compressed >= u64::from(u32::MAX) || size >= u64::from(u32::MAX) {
            bail!("{name} of report.xlsx is larger than a zip entry without Zip64 can hold");
        }
        let entry = Entry {
            name: name.to_string(),
            crc: crc.finalize(),
            compressed,
            size,
            offset: self.offset,
        };
        let mut h = Vec::with_capacity(30 + name.len());
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        h.extend_from_slice(&flags(name).to_le_bytes());
        h.extend_from_slice(&8u16.to_le_bytes()); // deflated
        h.extend_from_slice(&DOS_TIME.to_le_bytes());
        h.extend_from_slice(&DOS_DATE.to_le_bytes());
        h.extend_from_slice(&entry.crc.to_le_bytes());
        h.extend_from_slice(&(compressed as u32).to_le_bytes());
        h.extend_from_slice(&(size as u32).to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        self.write(&h)?;
        for p in pieces {
            self.write(&p.deflated)?;
        }
        self.entries.push(entry);
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file.write_all(bytes)?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Writes the central directory and closes the file.
    pub fn finish(mut self) -> Result<()> {
        let start = self.offset;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let mut h = Vec::with_capacity(46 + e.name.len());
            h.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            h.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by: Unix, 2.0
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&flags(&e.name).to_le_bytes());
            h.extend_from_slice(&8u16.to_le_bytes());
            h.extend_from_slice(&DOS_TIME.to_le_bytes());
            h.extend_from_slice(&DOS_DATE.to_le_bytes());
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&(e.compressed as u32).to_le_bytes());
            h.extend_from_slice(&(e.size as u32).to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
            h.extend_from_slice(&(0o100_600u32 << 16).to_le_bytes()); // a file, rw-------
            let Ok(offset) = u32::try_from(e.offset) else {
                bail!("report.xlsx is larger than a zip file without Zip64 can hold");
            };
            h.extend_from_slice(&offset.to_le_bytes());
            h.extend_from_slice(e.name.as_bytes());
            self.write(&h)?;
        }
        let size = self.offset - start;
        let (Ok(start), Ok(size), Ok(count)) = (
            u32::try_from(start),
            u32::try_from(size),
            u16::try_from(entries.len()),
        ) else {
            bail!("report.xlsx is larger than a zip file without Zip64 can hold");
        };
        let mut h = Vec::with_capacity(22);
        h.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        h.extend_from_slice(&[0; 4]); // this disk, the disk with the directory
        h.extend_from_slice(&count.to_le_bytes());
        h.extend_from_slice(&count.to_le_bytes());
        h.extend_from_slice(&size.to_le_bytes());
        h.extend_from_slice(&start.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        self.write(&h)?;
        self.file.flush()?;
        Ok(())
    }
}

/// Bit 11: the name is UTF-8.
fn flags(name: &str) -> u16 {
    if name.is_ascii() {
        0
    } else {
        1 << 11
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn pieces_laid_end_to_end_read_back_as_one_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.zip");
        let mut p = Package::create(&path).unwrap();
        p.add("a.xml", b"<a/>").unwrap();
        let text: Vec<String> = (0..3).map(|i| format!("piece {i} ").repeat(5000)).collect();
        let pieces: Vec<Piece> = text
            .iter()
            .enumerate()
            .map(|(i, t)| Piece::new(t.as_bytes(), i == 2).unwrap())
            .collect();
        p.add_pieces("xl/b.xml", &pieces).unwrap();
        p.add("empty", b"").unwrap();
        p.finish().unwrap();
        let mut zip = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
        let mut read = |name: &str| {
            let mut s = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        assert_eq!(read("a.xml"), "<a/>");
        assert_eq!(read("xl/b.xml"), text.concat());
        assert_eq!(read("empty"), "");
    }
}
