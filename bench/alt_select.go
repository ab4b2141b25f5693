// Go's select over 4 unbuffered int channels, each fed by its own goroutine: ns per select.
// The peer of bench/alt.c; run by bench/alt.sh.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func producer(c chan int) {
	for i := 0; ; i++ {
		c <- i
	}
}

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	var cs [4]chan int
	for i := range cs {
		cs[i] = make(chan int)
		go producer(cs[i])
	}
	t := time.Now()
	sum := 0
	for i := 0; i < n; i++ {
		select {
		case v := <-cs[0]:
			sum += v & 1
		case v := <-cs[1]:
			sum += v & 1
		case v := <-cs[2]:
			sum += v & 1
		case v := <-cs[3]:
			sum += v & 1
		}
	}
	d := time.Since(t)
	fmt.Printf("%.1f\n", float64(d.Nanoseconds())/float64(n))
	if sum < 0 {
		panic("unreachable")
	}
}
